#!/usr/bin/env python3
"""Rebuilds a training checkpoint from a model package, so a shipped model can be fine-tuned where its run's
checkpoint.pt is gone (runs/ is not committed).

    python3 training/checkpoint_from_package.py --package models/default --out runs/default-recovered/checkpoint.pt
    python3 training/train.py --config C --out runs/NEW --init-from runs/default-recovered/checkpoint.pt

The exporter keeps parameter names in model.onnx, except where constant folding renamed them: the GroupNorm
affines (a Mul and an Add per norm, in the order the graph uses them), the memory-pose projection (a MatMul,
transposed) and the level frequencies (a buffer). Those are matched by shape and order; the script then exports
the rebuilt weights again and requires every initializer of the new graph to equal the package's.
"""
import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import numpy_helper

from export import example_inputs, export_onnx
from worldweb_training import checkpoint, rgb24
from worldweb_training.config import config_from_dict
from worldweb_training.model import WorldModel


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--package", required=True, type=Path, help="a worldweb-model/1 folder (world.json, model.onnx)")
    p.add_argument("--out", required=True, type=Path, help="checkpoint.pt to write")
    return p.parse_args(argv)


def initializers(path) -> dict:
    """The graph's weights; the constant an 8-bit-frames graph divides by is no weight."""
    return {i.name: numpy_helper.to_array(i) for i in onnx.load(str(path)).graph.initializer if i.name != rgb24.SCALE}


def folded_names(model: WorldModel) -> list:
    """Parameters the exporter renames, in graph order: every affine GroupNorm's weight then bias."""
    norms = [name for name, m in model.named_modules() if isinstance(m, torch.nn.GroupNorm) and m.affine]
    return [f"{n}.{p}" for n in norms for p in ("weight", "bias")]


def rebuild(model: WorldModel, weights: dict) -> dict:
    state = model.state_dict()
    unnamed = {k: v for k, v in weights.items() if k.startswith("onnx::")}
    ordered = sorted((k for k in unnamed if k.split("_")[0] in ("onnx::Mul", "onnx::Add")), key=lambda k: int(k.rsplit("_", 1)[1]))
    for name, key in zip(folded_names(model), ordered, strict=True):
        state[name] = torch.from_numpy(unnamed[key].reshape(state[name].shape).copy())
    for key, value in unnamed.items():
        if key.startswith("onnx::MatMul") and "denoiser.stem_pose.weight" in state:
            state["denoiser.stem_pose.weight"] = torch.from_numpy(value.T.copy())
        elif key.startswith("onnx::Sin") and "frequencies" in state:
            state["frequencies"] = torch.from_numpy(value.reshape(-1).copy())
    for name in state:
        if name in weights:
            state[name] = torch.from_numpy(weights[name].copy())
    return state


def main(argv=None):
    args = parse_args(argv)
    world = json.loads((args.package / "world.json").read_text())
    training = world.get("training") or {}
    if "config" not in training:
        raise SystemExit(f"{args.package}/world.json has no training config: this package was not made by export.py")
    cfg = config_from_dict(training["config"])
    actions = [a["name"] for a in world["actions"]]
    model = WorldModel(cfg.model, len(actions))
    weights = initializers(args.package / world["onnx"])
    model.load_state_dict(rebuild(model, weights))
    model.eval()

    # Proof: the rebuilt model exports to the package's graph, initializer for initializer.
    starts = np.load(args.package / world["starts"])
    with tempfile.TemporaryDirectory() as tmp:
        export_onnx(model, example_inputs(model, starts, 2), Path(tmp) / "model.onnx")
        again = initializers(Path(tmp) / "model.onnx")
    differing = [k for k in weights if k not in again or not np.array_equal(weights[k], again[k])]
    if differing:
        raise SystemExit(f"the rebuilt weights do not export to the package's graph: {differing[:5]} differ")

    saved = {
        "model": model.state_dict(), "config": training["config"],
        "progress": {"step": training["steps"], "samples": training["samples_seen"],
                     "wall_seconds": training["wall_time_s"], "eval": training.get("final_eval")},
        "world": {"width": world["frame"]["width"], "height": world["frame"]["height"], "actions": actions},
        "data": training["data"], "hardware": training["hardware"],
        "earlier_stages": training.get("earlier_stages", []),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    checkpoint.save_atomically(saved, args.out)
    print(f"{args.out}: {len(weights)} initializers of {args.package / world['onnx']} rebuilt into "
          f"{sum(p.numel() for p in model.parameters()):,} parameters; they export to the same graph weights")
    return 0


if __name__ == "__main__":
    sys.exit(main())
