#!/usr/bin/env python3
"""Adds int8 graphs to a package: the U-Net's convolutions and the codebook searches in 8-bit integers for a CPU.

    /usr/bin/python3 training/int8.py --package models/default --shards data/shards
    /usr/bin/python3 training/int8.py ... --report OUT.json       # also write what calibration measured
    /usr/bin/python3 training/int8.py ... --float denoiser.token_head,denoiser.merge16   # keep these in float32

Calibrates on real windows of the shards' training episodes and on the model's own free play from them
(worldweb_training/int8.py), writes model_int8.onnx (and pool_int8.onnx when the package has a context pool graph)
and names them in world.json ("int8"); a CPU server runs them (Inference:Precision Auto or Int8), and
`./worldweb eval --precision int8` measures their free play. On the held-out episodes it measures the share of
sampled codes each convolution flips alone in int8, keeps in float32 those over 2%, and reports the whole graph's.
The package must have been made by export.py (its world.json holds the training config the weights fit).
"""
import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import onnx
import torch

from checkpoint_from_package import initializers, rebuild
from worldweb_training.config import config_from_dict
from worldweb_training.data import ShardSet
from worldweb_training.int8 import add_int8, calibrate, split
from worldweb_training.model import WorldModel


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--package", required=True, type=Path, help="package folder made by export.py (world.json, model.onnx)")
    p.add_argument("--shards", required=True, type=Path, help="shard directory of the model's training data (./worldweb datagen)")
    p.add_argument("--episodes", type=int, default=24, help="training episodes to calibrate on (the shards' first)")
    p.add_argument("--report", type=Path, help="write what calibration measured (ranges, codes flipped) to this JSON")
    p.add_argument("--float", help="comma-separated convolutions to keep in float32 (default: measured)")
    return p.parse_args(argv)


def load_model(package: Path, world: dict):
    """(WorldModel with the package's weights, its config)."""
    training = world.get("training") or {}
    if "config" not in training:
        raise SystemExit(f"{package}/world.json has no training config: this package was not made by export.py")
    cfg = config_from_dict(training["config"])
    if cfg.model.output != "tokens":
        raise SystemExit(f"{package} is a {cfg.model.output!r} model; int8 graphs are made for token models")
    model = WorldModel(cfg.model, len(world["actions"]))
    model.load_state_dict(rebuild(model, initializers(package / world["onnx"])))
    return model.eval(), cfg


def main(argv=None):
    args = parse_args(argv)
    started = time.time()
    world = json.loads((args.package / "world.json").read_text())
    model, cfg = load_model(args.package, world)
    shards = ShardSet.load(args.shards)
    actions = [a["name"] for a in world["actions"]]
    used = sorted({shards.actions[a] for e in shards.episodes for a in np.unique(e.actions)})
    if shards.actions[:len(actions)] != actions[:len(shards.actions)] or set(used) - set(actions):
        raise SystemExit(f"{args.shards} plays actions {used}, the model knows {actions}: calibrate on the model's own "
                         "kind of shards (for packages up to 0.2.4, ./worldweb datagen --paint off)")
    training, held_out = split(shards, set(world["training"].get("data", {}).get("held_out", [])), args.episodes)
    with torch.no_grad():
        ranges, convs, report = calibrate(model, cfg, training, held_out,
                                          None if args.float is None else [n for n in args.float.split(",") if n])
    if args.report:
        args.report.write_text(json.dumps(report, indent=2) + "\n")
    world = add_int8(args.package, onnx.load(str(args.package / world["onnx"])), world, ranges, convs, report)
    (args.package / "world.json").write_text(json.dumps(world, indent=2) + "\n")
    int8 = world["int8"]
    print(f"{args.package}: {int8['onnx']}{', ' + int8['context_pool'] if 'context_pool' in int8 else ''}: "
          f"{len(convs)} convolutions and the codebook searches in int8, {report['kept_in_float'] or 'no convolution'} "
          f"in float32; on held-out episodes {100 * report['int8_graph']['same_codes']:.2f}% of sampled codes as "
          f"float32 draws them ({time.time() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
