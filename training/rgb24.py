#!/usr/bin/env python3
"""Converts a package whose graph takes float frames to one that takes 8-bit RGB frames, in place.

    /usr/bin/python3 training/rgb24.py --package models/default --version 0.2.2

The frames it steps are bit-identical (worldweb_training/rgb24.py says why); export.py writes 8-bit inputs already.
"""
import argparse
import json
import sys
from pathlib import Path

import onnx

from worldweb_training.package import mismatches
from worldweb_training.rgb24 import rgb24_inputs


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--package", required=True, type=Path, help="package folder (world.json, model.onnx)")
    p.add_argument("--version", help="the converted package's version in world.json (default: unchanged)")
    args = p.parse_args(argv)
    world_path = args.package / "world.json"
    world_json = json.loads(world_path.read_text())
    onnx_path = args.package / world_json["onnx"]
    model, world_json = rgb24_inputs(onnx.load(str(onnx_path)), world_json)
    if args.version:
        world_json["version"] = args.version
    problems = mismatches(world_json, model.graph)
    if problems:
        raise SystemExit("converted graph does not match world.json: " + "; ".join(problems))
    onnx.save(model, str(onnx_path))
    world_path.write_text(json.dumps(world_json, indent=2) + "\n")
    print(f"{args.package}: context and memory now uint8 [batch, n, H, W, 3] (version {world_json['version']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
