#!/usr/bin/env python3
"""Adds half-precision graphs to a package: convolutions and matrix products in float16 for a GPU's tensor cores.

    /usr/bin/python3 training/half.py --package models/default
    /usr/bin/python3 training/half.py --package models/default --emulated-package /tmp/default-half-emulated

Writes model_half.onnx (and pool_half.onnx when the package has a context pool graph) and names them in world.json
("half"); a server on CUDA runs them with Inference:Precision=Half. --emulated-package instead writes a copy of the
package whose float32 graph rounds what the half graph keeps in float16, which the CPU runs: eval it to see a half
model's free play without a GPU (worldweb_training/half.py says how close that is).
"""
import argparse
import json
import shutil
import sys
from pathlib import Path

import onnx

from worldweb_training.half import MODEL, POOL, add_half, emulated


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--package", required=True, type=Path, help="package folder (world.json, model.onnx)")
    p.add_argument("--emulated-package", type=Path, help="write an emulating float32 copy of the package here instead")
    p.add_argument("--everywhere", action="store_true", help="with --emulated-package: round every float tensor, not only the heavy operators'")
    args = p.parse_args(argv)
    world_json = json.loads((args.package / "world.json").read_text())
    model = onnx.load(str(args.package / world_json["onnx"]))

    if args.emulated_package:
        out = args.emulated_package
        shutil.copytree(args.package, out, dirs_exist_ok=True)
        for stale in [POOL, MODEL, world_json.get("context_pool", {}).get("onnx")]:
            if stale and (out / stale).exists():
                (out / stale).unlink()
        world_json.pop("context_pool", None)
        world_json.pop("half", None)
        world_json["version"] += "-half-emulated" + ("-everywhere" if args.everywhere else "")
        onnx.save(emulated(model, args.everywhere), str(out / world_json["onnx"]))
        (out / "world.json").write_text(json.dumps(world_json, indent=2) + "\n")
        print(f"{out}: {world_json['onnx']} rounds to float16 what {MODEL} would hold (version {world_json['version']})")
        return 0

    world_json = add_half(args.package, model, world_json)
    (args.package / "world.json").write_text(json.dumps(world_json, indent=2) + "\n")
    print(f"{args.package}: {', '.join(world_json['half'].values())} run the heavy operators in float16 (Inference:Precision=Half)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
