#!/usr/bin/env python3
"""Adds codebook.npy to a codebook-tokens package exported before packages carried it (models/default 0.2.4):
the codebook taken from the graph's own initializer, named in world.json under sampler.codebook_file.

    /usr/bin/python3 training/add_codebook.py --package models/default
"""
import argparse
import json
import sys
from pathlib import Path

import onnx

from worldweb_training.package import add_codebook


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--package", required=True, type=Path, help="a worldweb-model/1 folder (world.json, model.onnx)")
    args = p.parse_args(argv)
    manifest = args.package / "world.json"
    world_json = json.loads(manifest.read_text())
    world_json = add_codebook(args.package, onnx.load(str(args.package / world_json["onnx"])), world_json)
    manifest.write_text(json.dumps(world_json, indent=2) + "\n")
    print(f"{args.package}: codebook.npy ({world_json['sampler']['codebook']} patches) named in world.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
