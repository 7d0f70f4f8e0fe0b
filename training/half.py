#!/usr/bin/env python3
"""Adds half-precision graphs to a package: convolutions and matrix products in float16 for a GPU's tensor cores.

    /usr/bin/python3 training/half.py --package models/default

Writes model_half.onnx (and pool_half.onnx when the package has a context pool graph) and names them in world.json
("half"); a server on CUDA runs them with Inference:Precision=Half, and `./worldweb eval --precision half` measures
their free play (on CPU too).
"""
import argparse
import json
import sys
from pathlib import Path

import onnx

from worldweb_training.half import add_half


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--package", required=True, type=Path, help="package folder (world.json, model.onnx)")
    args = p.parse_args(argv)
    world_json = json.loads((args.package / "world.json").read_text())
    model = onnx.load(str(args.package / world_json["onnx"]))

    world_json = add_half(args.package, model, world_json)
    (args.package / "world.json").write_text(json.dumps(world_json, indent=2) + "\n")
    print(f"{args.package}: {', '.join(world_json['half'].values())} run the heavy operators in float16 (Inference:Precision=Half)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
