#!/usr/bin/env python3
"""Free play of several checkpoints under the same keys and noise, with more rollouts than training's own check.

Training's check plays 8 rollouts from 2 held-out episodes: two checkpoints a few dB apart there may be noise. This
plays `--rollouts` from the held-out shards (e.g. 40 seeds), judges steps half..end by the same measures
(`freeplay.RealFrames.judge`) and adds **lime share**: the share of pixels of the first paint colour (green over
2.2× red and blue), which no wall, sign or pillar has, so in play where nobody paints it counts marks the model drew
by itself (the real frames' share, from marks the explorer painted in those episodes, is printed beside).
Prints one JSON line per checkpoint and, with --strip, a PNG: per checkpoint three rollouts at six steps.

    ./worldweb datagen --out /tmp/held --seeds 1001-1040 --steps 600
    python3 training/free_play_check.py training/checkpoints/paint3/checkpoint.pt training/checkpoints/paint5/checkpoint.pt \\
        --held /tmp/held --strip /tmp/free_play.png
"""
import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from paint_check import png, sheet
from worldweb_training import checkpoint
from worldweb_training.config import play_settings, with_play_settings
from worldweb_training.data import ShardSet, paint_colours
from worldweb_training.freeplay import RealFrames, free_play, levels
from worldweb_training.model import WorldModel

STRIP_ROLLOUTS = 3


def lime_share(frames_uint8):
    """Share of pixels of uint8 frames [..., 3] in the first paint colour (data.paint_colours)."""
    return float(paint_colours(frames_uint8)[0].mean())


def as_uint8(frames):
    """Float [N, 3, H, W] → uint8 [N, H, W, 3], the 8-bit levels players see."""
    return levels(frames).byte().permute(0, 2, 3, 1).numpy()


def load(path, actions, settings):
    saved = checkpoint.load(path)
    model = WorldModel(with_play_settings(saved["config"], settings).model, len(actions))
    model.load_state_dict(saved["model"])
    return model, saved.get("progress", {}).get("step")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("checkpoints", nargs="+")
    p.add_argument("--held", required=True, help="held-out shards: the starts and the real frames judged against")
    p.add_argument("--bank", default="data/shards", help="shards of other mazes: realism's bank of real views")
    p.add_argument("--rollouts", type=int, default=32)
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--strip", help="PNG: per checkpoint, three rollouts at six steps")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="a model setting of play for every checkpoint, e.g. uniform_reach=15")
    args = p.parse_args()
    held, bank = ShardSet.load(args.held), ShardSet.load(args.bank)
    real = RealFrames.from_episodes(bank.episodes, held.episodes, bank_every=10)
    real_lime = lime_share(np.concatenate([e.frames[::5] for e in held.episodes]))
    half = args.steps // 2
    columns = np.linspace(10, args.steps - 1, 6).astype(int)
    strip = []
    for path in args.checkpoints:
        model, step = load(path, held.actions, args.set)
        frames = free_play(model, held.episodes, held.actions, args.rollouts, args.steps)
        judged = frames[half:].flatten(0, 1)
        print(json.dumps({"checkpoint": path, "step": step, "settings": play_settings(args.set), "rollouts": args.rollouts, "steps": [half, args.steps],
                          **real.judge(judged), "lime_share": lime_share(as_uint8(judged)),
                          "real_realism_db": real.realism_db, "real_colourful_share": real.colourful_share,
                          "real_lime_share": real_lime, "colour_tvd_control": real.colour_tvd_control}), flush=True)
        for r in range(min(STRIP_ROLLOUTS, args.rollouts)):
            strip += list(as_uint8(frames[columns, r]))
    if args.strip:
        png(args.strip, sheet(np.stack(strip), cols=len(columns)))


if __name__ == "__main__":
    main()
