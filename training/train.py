#!/usr/bin/env python3
"""Trains a WorldWeb world model on reference-world shards.

    python3 training/train.py --config training/configs/default.json --data data/shards --out runs/NAME
    python3 training/train.py --out runs/NAME --resume --max-minutes 9   # one more chunk
    python3 training/train.py --config C --out runs/NEW --init-from runs/OLD/checkpoint.pt   # fine-tune

Long runs go in chunks: --max-minutes stops cleanly with a checkpoint, --resume continues exactly
(weights, optimizer, step, RNG states), starting fresh if the run has no checkpoint yet.
"""
import argparse
import sys
import time
from pathlib import Path

from worldweb_training.cost import denoiser_flops, parameter_count
from worldweb_training.hardware import describe, training_device
from worldweb_training.run import Run

TRAINING_DIR = Path(__file__).resolve().parent
REPO = TRAINING_DIR.parent


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--config", default=TRAINING_DIR / "configs" / "default.json", type=Path,
                   help="ignored with --resume when a checkpoint exists: a run keeps its config")
    p.add_argument("--data", type=Path, help="shard directory (default: the run's, else data/shards)")
    p.add_argument("--out", default=REPO / "runs" / "default", type=Path)
    p.add_argument("--resume", action="store_true")
    p.add_argument("--init-from", type=Path, help="start a fresh run from another run's checkpoint.pt weights")
    p.add_argument("--keep-optimizer", action="store_true",
                   help="with --init-from: take its AdamW moments too (the same parameters only)")
    p.add_argument("--max-minutes", type=float, help="stop with a checkpoint before this much wall time")
    p.add_argument("--steps", type=int, help="stop at this global step (default: the config's steps)")
    args = p.parse_args(argv)
    if args.keep_optimizer and not args.init_from:
        p.error("--keep-optimizer takes the moments of --init-from's run: name it")
    return args


def _duration(seconds):
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes // 60}h{minutes % 60:02d}m" if minutes >= 60 else f"{minutes}m{seconds:02d}s"


def train(run: Run, target_step, deadline):
    t, progress = run.cfg.train, run.progress
    step_seconds = eval_seconds = 0.0
    if progress["step"] == 0:
        run.evaluate()  # the untrained model copies the last frame: the baseline to beat
    window_start, window_steps, sums = time.monotonic(), 0, {}
    while progress["step"] < target_step:
        evaluating_next = (progress["step"] + 1) % t.eval_every == 0
        if time.monotonic() + 2 * step_seconds + (eval_seconds if evaluating_next else 0) > deadline:
            print(f"time budget used: stopping at step {progress['step']}", flush=True)
            break
        started = time.monotonic()
        parts = run.step()
        step_seconds = time.monotonic() - started
        for name, value in parts.items():
            sums[name] = sums.get(name, 0.0) + float(value)
        window_steps += 1
        step = progress["step"]
        if step % t.log_every == 0 or step == target_step:
            elapsed = time.monotonic() - window_start
            rate = window_steps * t.batch_size / elapsed
            record = {"kind": "train", "step": step, **{k: v / window_steps for k, v in sums.items()},
                      "lr": run.optimizer.param_groups[0]["lr"], "samples_per_s": rate}
            print(f"step {step}/{target_step} loss {record['loss']:.5f} frame {record['frame_loss']:.5f} "
                  f"pose {record['pose_loss']:.4f} | {rate:.1f} samples/s | "
                  f"ETA {_duration((target_step - step) * t.batch_size / rate)}", flush=True)
            run.log(record)
            window_start, window_steps, sums = time.monotonic(), 0, {}
        if step % t.eval_every == 0 or step == target_step:
            started = time.monotonic()
            run.evaluate()
            eval_seconds = time.monotonic() - started
        if step % t.checkpoint_every == 0:
            run.save()
    run.save()


def main(argv=None):
    args = parse_args(argv)
    # The budget counts from process start: loading shards is part of a chunk's wall time.
    deadline = time.monotonic() + 60 * args.max_minutes if args.max_minutes is not None else float("inf")
    device = training_device()
    run = Run(args, device, default_data=REPO / "data" / "shards")
    target_step = args.steps if args.steps is not None else run.cfg.train.steps
    print(f"{describe(device)}; {parameter_count(run.model):,} parameters, "
          f"{denoiser_flops(run.model, run.world['height'], run.world['width']) / 1e9:.3f} GFLOP "
          f"per denoiser pass; {len(run.sampler.episodes)} training episodes, "
          f"{len(run.data['held_out'])} held out; step {run.progress['step']} → {target_step}", flush=True)
    run.log({"kind": "start", "step": run.progress["step"], "target_step": target_step,
             "hardware": describe(device), "config": run.cfg.to_dict()})
    train(run, target_step, deadline)
    print(f"checkpoint: {run.out / 'checkpoint.pt'} at step {run.progress['step']}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
