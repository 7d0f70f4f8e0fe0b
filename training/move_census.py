#!/usr/bin/env python3
"""How the shards' moves fall against their declared steps (index.json "move_steps"): full steps, stopped, slides, and
how many slides the server's snapping rule (WorldWeb.Inference/Poses/PoseTracking.cs) would take for a full step or
for standing, with the error each then makes. The numbers behind PoseTracking's tolerances (docs/model-format.md).

    python3 training/move_census.py data/shards [--full 0.2] [--blocked 0.05]
"""
import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from worldweb_training.data import ShardSet


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shards", type=Path)
    parser.add_argument("--full", type=float, default=0.2, help="share of a step within which a move is the full step")
    parser.add_argument("--blocked", type=float, default=0.05, help="share of a step within which a move is standing")
    args = parser.parse_args(argv)
    shards = ShardSet.load(args.shards)
    if not shards.move_steps:
        raise SystemExit(f"{args.shards}/index.json has no move_steps: make the shards again with ./worldweb datagen")
    steps = {shards.actions.index(name): step for name, step in shards.move_steps.items() if any(step)}
    counts = {"moves": 0, "full": 0, "stopped": 0, "slides": 0, "slides_taken_as_full": 0, "slides_taken_as_standing": 0}
    errors = []
    for episode in shards.episodes:
        poses = episode.poses.astype(np.float64)
        for t in range(1, len(episode)):  # poses[t] is the pose after actions[t]
            if int(episode.actions[t]) not in steps:
                continue
            forward, right = steps[int(episode.actions[t])]
            (x0, y0, h0), (x1, y1, _) = poses[t - 1], poses[t]
            cos, sin = math.cos(h0), math.sin(h0)
            f, r = (x1 - x0) * cos + (y1 - y0) * sin, -(x1 - x0) * sin + (y1 - y0) * cos
            length, off_full, moved = math.hypot(forward, right), math.hypot(f - forward, r - right), math.hypot(f, r)
            counts["moves"] += 1
            if off_full < 1e-4:
                counts["full"] += 1
            elif moved < 1e-4:
                counts["stopped"] += 1
            else:
                counts["slides"] += 1
                if off_full <= args.full * length:
                    counts["slides_taken_as_full"] += 1
                    errors.append(off_full)
                elif moved <= args.blocked * length:
                    counts["slides_taken_as_standing"] += 1
                    errors.append(moved)
    counts["mean_error_of_those_cells"] = round(float(np.mean(errors)), 4) if errors else 0.0
    print(json.dumps(counts, indent=2))


if __name__ == "__main__":
    main()
