#!/usr/bin/env python3
"""Makes a package's int8 graphs take their context and memory frames snapped to the codebook, in place.

    /usr/bin/python3 training/snapped_frames.py --package models/NAME

A token model reads each context and memory frame only as its nearest codebook patches, and its int8 graph searched
all six of them every step (a quarter of the step on a CPU, `bench inference --profile`), although the server
made five of them itself: the model drew the context frames, and memory keeps frames as codebook tokens. With
`int8.snapped_frames`, the server snaps any frame that is not made of codebook patches before it goes in (a start,
a reference world's frame, a JPEG memory; WorldWeb.Inference's FrameSnapper) and the graph takes the patches as
they come (worldweb_training/int8.py, `snapped_frames_graph`). `int8.py` and `export.py` write new int8 graphs this
way; this script rewrites an existing package's without calibrating again. The float and half graphs are left as
they are, so their worlds replay as before; an int8 world's frames change (a patch is now the codebook patch as the
model draws it in 8 bits, and the server's float search picks the nearest code where the int8 graph's rounded
codebook could pick its neighbour).
"""
import argparse
import json
import sys
from pathlib import Path

import onnx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from worldweb_training.int8 import frame_inputs, snapped_frames_graph


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--package", required=True, type=Path)
    args = p.parse_args(argv)
    world = json.loads((args.package / "world.json").read_text())
    int8 = world.get("int8")
    if int8 is None:
        raise SystemExit(f"{args.package} has no int8 graphs: write them with training/int8.py")
    if int8.get("snapped_frames"):
        raise SystemExit(f"{args.package}'s int8 graphs take snapped frames already")
    frames = frame_inputs(world)
    for key in ("onnx", "context_pool"):
        if key in int8:
            path = args.package / int8[key]
            onnx.save(snapped_frames_graph(onnx.load(str(path)), frames), str(path))
    world["int8"] = dict(int8, snapped_frames=True)
    (args.package / "world.json").write_text(json.dumps(world, indent=2) + "\n")
    print(f"{args.package}: {', '.join(int8[k] for k in ('onnx', 'context_pool') if k in int8)} take snapped frames")


if __name__ == "__main__":
    main()
