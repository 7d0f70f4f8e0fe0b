#!/usr/bin/env python3
"""Adds the context pool graph to a package with 8-bit frame inputs, so a GPU server keeps contexts on the device.

    /usr/bin/python3 training/context_pool.py --package models/default

Writes pool.onnx beside the package's graph and names it in world.json ("context_pool"); the frames a pooled step
makes are bit-identical to the plain graph's (worldweb_training/context_pool.py says how).
"""
import argparse
import json
import sys
from pathlib import Path

import onnx

from worldweb_training.context_pool import FILE, add_context_pool


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--package", required=True, type=Path, help="package folder (world.json, model.onnx)")
    p.add_argument("--version", help="the package's version in world.json (default: unchanged)")
    args = p.parse_args(argv)
    world_path = args.package / "world.json"
    world_json = json.loads(world_path.read_text())
    world_json = add_context_pool(args.package, onnx.load(str(args.package / world_json["onnx"])), world_json)
    if args.version:
        world_json["version"] = args.version
    world_path.write_text(json.dumps(world_json, indent=2) + "\n")
    print(f"{args.package}: {FILE} keeps contexts on the device (version {world_json['version']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
