#!/usr/bin/env python3
"""Exports a training checkpoint to a `worldweb-model/1` package (docs/model-format.md).

    python3 training/export.py --checkpoint runs/NAME/checkpoint.pt --out models/NAME --starts-from data/shards
    python3 training/export.py ... --model-config training/configs/C.json   # the weights under C's model settings

Writes model.onnx (opset 17, dynamic batch, whole sampler unrolled, context and memory frames taken as 8-bit RGB
unless --float-frames; with 8-bit frames also the context pool graph pool.onnx, the half-precision graphs
model_half.onnx and pool_half.onnx, and for a token model the int8 graphs model_int8.onnx and pool_int8.onnx,
calibrated on the start shards as training/int8.py does), world.json, starts.npy and, for a token model,
codebook.npy (the patches it paints with, which WorldWeb stores memory frames by), then checks the graph against the
manifest and that batch rows are independent.
"""
import argparse
import inspect
import json
import math
import sys
import warnings
from pathlib import Path

import numpy as np
import onnx
import torch

from worldweb_training import checkpoint
from worldweb_training.config import load_config, with_play_settings
from worldweb_training.context_pool import add_context_pool
from worldweb_training.cuda_ops import missing_on_cuda
from worldweb_training.cost import denoiser_flops, parameter_count
from worldweb_training.data import ShardSet
from worldweb_training.half import add_half
from worldweb_training.int8 import add_int8, calibrate, split
from worldweb_training.model import WorldModel
from worldweb_training.package import (OUTPUTS, START_POSES_FILE, add_codebook, input_names, manifest, mismatches,
                                       start_poses, start_states,
                                      trusted_heading_step, trusted_move_steps)
from worldweb_training.rgb24 import rgb24_inputs

OPSET = 17
MAX_PACKAGE_BYTES = 20 * 1024 * 1024
INT8_EPISODES = 24  # training episodes the int8 graph is calibrated on (training/int8.py --episodes)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--checkpoint", required=True, type=Path)
    p.add_argument("--out", required=True, type=Path)
    p.add_argument("--starts-from", type=Path, help="shard directory (default: the run's training shards)")
    p.add_argument("--starts", type=int, default=8, help="number of start states (episodes)")
    p.add_argument("--version", default="0.1.0", help="the package's version in world.json")
    p.add_argument("--float-frames", action="store_true",
                   help="context and memory as float32 [3, H, W] (default: 8-bit RGB [H, W, 3], a quarter of the bytes)")
    p.add_argument("--no-int8", action="store_true",
                   help="leave out the int8 graphs (their calibration is most of an export's time on a CPU): for a "
                        "checkpoint judged with `eval --precision float` before it is exported whole")
    p.add_argument("--model-config", type=Path, help="a config whose model section replaces the checkpoint's: "
                   "inference settings (temperature, memory prior) for the same weights, which must fit it exactly")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="a model setting of play on top of that, e.g. temperature=0.8")
    return p.parse_args(argv)


def example_inputs(model, starts, batch, seed=0):
    """Inputs for tracing and checks: real start frames as context, random memories and noise."""
    g = torch.Generator().manual_seed(seed)
    k, m = model.cfg.context_frames, model.cfg.memory_slots
    context = torch.from_numpy(starts[np.arange(batch) % len(starts)]).movedim(-1, -3).float() / 255
    h, w = context.shape[-2:]
    valid = (torch.arange(batch * m) % 2).float().reshape(batch, m, 1)  # full and empty slots
    memory_pose = torch.cat([torch.randn(batch, m, 3, generator=g), torch.ones(batch, m, 1)], -1) * valid
    inputs = (context, torch.arange(batch) % model.action_embed.num_embeddings,
              torch.rand(batch, m, 3, h, w, generator=g) * valid[..., None, None], memory_pose,
              torch.randn(batch, 3, h, w, generator=g))
    # Places all over a 17-cell maze, any heading.
    view_pose = torch.rand(batch, 3, generator=g) * torch.tensor([17.0, 17.0, 2 * math.pi])
    return inputs + (view_pose,) if model.cfg.face_map else inputs


def export_onnx(model, inputs, path):
    options = {}
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        options["dynamo"] = False  # PyTorch ≥ 2.9 defaults to the dynamo exporter; keep dynamic_axes
    with warnings.catch_warnings():
        # Tracing noise (torch 1.13 warns for every constant it cannot shape-infer, GroupNorm for a
        # batch-size check): the checks after export cover shapes and batch independence.
        warnings.filterwarnings("ignore", message="The shape inference of prim::Constant")
        warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
        names = input_names(model.cfg)
        torch.onnx.export(model, inputs, str(path), opset_version=OPSET, input_names=list(names),
                          output_names=list(OUTPUTS), dynamic_axes={n: {0: "batch"} for n in names + OUTPUTS},
                          do_constant_folding=True, **options)


@torch.no_grad()
def check_rows_independent(model, starts):
    """Row 0 of a batch of 3 must equal the same row run alone (the contract's row independence)."""
    three = example_inputs(model, starts, 3)
    alone = model(*(x[:1] for x in three))
    together = model(*three)
    for name, a, b in zip(OUTPUTS, alone, together):
        difference = float((a[0] - b[0]).abs().max())
        if difference > 1e-5:
            raise SystemExit(f"{name}: batch-1 output differs from row 0 of batch 3 by {difference}")
    return difference


def training_provenance(saved, model, world) -> dict:
    progress, last_eval = saved["progress"], saved["progress"].get("eval") or {}
    return {"steps": progress["step"], "samples_seen": progress["samples"],
            "wall_time_s": round(progress["wall_seconds"], 1), "hardware": saved["hardware"],
            "data": saved["data"], "final_psnr_db": last_eval.get("psnr_db"),
            "final_eval": last_eval, "parameters": parameter_count(model),
            "gflop_per_denoiser_pass": round(denoiser_flops(model, world["height"], world["width"]) / 1e9, 4),
            "config": saved["config"], "earlier_stages": saved.get("earlier_stages", [])}


def main(argv=None):
    args = parse_args(argv)
    saved = checkpoint.load(args.checkpoint)
    if args.model_config:
        saved["config"] = dict(saved["config"], model=load_config(args.model_config).to_dict()["model"])
    cfg, world = with_play_settings(saved["config"], args.set), saved["world"]
    saved["config"] = cfg.to_dict()  # the provenance in world.json says what the graph does
    model = WorldModel(cfg.model, len(world["actions"]))
    model.load_state_dict(saved["model"])
    model.eval()

    # Some episodes begin with a paint (start_episodes skips them), so read a few more than the starts asked for.
    shards = ShardSet.load(args.starts_from or saved["data"]["shards"], limit=4 * args.starts)
    if (shards.width, shards.height) != (world["width"], world["height"]):
        raise SystemExit(f"start shards are {shards.width}×{shards.height}, the model {world['width']}×{world['height']}")
    starts = start_states(shards, args.starts, cfg.model.context_frames)
    pose_mae = (saved["progress"].get("eval") or {}).get("pose_mae") or {}
    turn_error = pose_mae.get("dheading_deg")
    step = world.get("heading_step_degrees") or shards.heading_step_degrees  # runs trained before the shards said it
    world["heading_step_degrees"] = trusted_heading_step(step, turn_error)
    if step and not world["heading_step_degrees"]:
        print(f"world.json without poses: the pose head's turn error ({turn_error}°) is not under a tenth of the "
              f"world's {step}° step, and rounding each turn to the step would lose turns")
    moves = world.get("move_steps") or shards.move_steps  # runs trained before the shards said it
    world["move_steps"] = trusted_move_steps(moves, pose_mae)
    if moves and not world["move_steps"]:
        print(f"world.json without move steps: the pose head's error ahead / aside ({pose_mae.get('forward')} / "
              f"{pose_mae.get('right')} cells) is not under a tenth of the world's shortest step")

    args.out.mkdir(parents=True, exist_ok=True)
    onnx_path = args.out / "model.onnx"
    export_onnx(model, example_inputs(model, starts, 2), onnx_path)
    np.save(args.out / "starts.npy", starts)
    if cfg.model.face_map:
        np.save(args.out / START_POSES_FILE, start_poses(shards, args.starts, cfg.model.context_frames))
    world_json = manifest(args.out.resolve().name, cfg.model, world, training_provenance(saved, model, world), args.version)
    graph = onnx.load(str(onnx_path))
    onnx.checker.check_model(graph, full_check=True)  # full: strict shape inference too
    if not args.float_frames:
        graph, world_json = rgb24_inputs(graph, world_json)
        onnx.save(graph, str(onnx_path))
        world_json = add_context_pool(args.out, graph, world_json)
        world_json = add_half(args.out, graph, world_json)
        if cfg.model.output == "tokens" and not args.no_int8:
            calibration = ShardSet.load(args.starts_from or saved["data"]["shards"])
            training, held_out = split(calibration, set(saved["data"].get("held_out", [])), INT8_EPISODES)
            with torch.no_grad():
                ranges, convs, report = calibrate(model, cfg, training, held_out)
            world_json = add_int8(args.out, graph, world_json, ranges, convs, report)
    if cfg.model.output == "tokens":
        world_json = add_codebook(args.out, graph, world_json)
    (args.out / "world.json").write_text(json.dumps(world_json, indent=2) + "\n")

    problems = mismatches(world_json, graph.graph)
    if problems:
        raise SystemExit("graph does not match world.json: " + "; ".join(problems))
    difference = check_rows_independent(model, starts)
    size = sum(f.stat().st_size for f in args.out.iterdir() if f.is_file())
    print(f"{args.out}: model.onnx {onnx_path.stat().st_size / 1e6:.2f} MB, {len(starts)} start states, "
          f"package {size / 1e6:.2f} MB; graph matches world.json; rows independent (max diff {difference:.1e})")
    if size > MAX_PACKAGE_BYTES:  # a local package may be larger; the shipped one may not (DefaultModelTests)
        print(f"warning: the package is {size / 2**20:.1f} MiB, over the {MAX_PACKAGE_BYTES / 2**20:.0f} MiB that "
              "models/default may take in the repository; it serves, but cannot ship as the default", file=sys.stderr)
    missing = missing_on_cuda(graph)
    if missing:
        print(f"warning: ONNX Runtime's CUDA provider has no {', '.join(missing)}: on a GPU those nodes run on the CPU "
              "every step and the step cannot be a CUDA graph (training/worldweb_training/cuda_ops.py)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
