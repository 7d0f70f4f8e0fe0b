"""Shards for tests: a subset of real ones when WORLDWEB_SHARDS names a directory, else synthetic.

Synthetic frames are noise (shapes only); their poses walk out and back along a circle, so episodes
revisit places as the real exploring policy does, which near-memory sampling needs.
"""
import json
import os
import sys
from pathlib import Path

import numpy as np

TRAINING_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TRAINING_DIR))  # train.py, export.py and the package, from any working directory

ACTIONS = ["noop", "forward", "backward", "turn_left", "turn_right", "strafe_left", "strafe_right"]
TINY_CONFIG = TRAINING_DIR / "configs" / "tiny.json"

from worldweb_training.data import painted  # noqa: E402 (after the path above)


def make_shards(directory, episodes=3) -> Path:
    """Writes (or links) a shard directory of `episodes` episodes into `directory`."""
    real = os.environ.get("WORLDWEB_SHARDS")
    return _link_subset(Path(real), Path(directory), episodes) if real else \
        write_synthetic_shards(directory, episodes)


def _link_subset(source, directory, episodes):
    index = json.loads((source / "index.json").read_text())
    index["episodes"] = index["episodes"][:episodes]
    directory.mkdir(parents=True, exist_ok=True)
    for entry in index["episodes"]:
        for part in ("frames", "actions", "poses", "changed", "stale_from"):
            name = f"{entry['name']}.{part}.npy"
            if (source / name).exists():
                (directory / name).symlink_to((source / name).resolve())
    (directory / "index.json").write_text(json.dumps(index))
    return directory


def write_synthetic_shards(directory, episodes=3, steps=48, size=64, paint=False) -> Path:
    """Shards as datagen writes them; with paint, also the paint action, changes every 10 steps from step 7, and
    views stale from the next change after them (a stand-in for the server's rule)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    actions_named = ACTIONS + ["paint"] if paint else ACTIONS
    index = {"format": "worldweb-shards/1", "width": size, "height": size, "actions": actions_named,
             "heading_step_degrees": 5.0, "episodes": [],
             "move_steps": {"forward": [0.1, 0.0], "backward": [-0.1, 0.0], "strafe_left": [0.0, -0.08], "strafe_right": [0.0, 0.08]}}
    if paint:
        index["presses"] = index["changes_world"] = ["paint"]
    for e in range(episodes):
        rng = np.random.default_rng(e)
        name = f"ep_{e + 1:05d}"
        phase = 2 * np.pi * np.abs(((np.arange(steps) % 24) - 12)) / 24  # out 12 steps, back 12
        poses = np.stack([3 + np.cos(phase), 3 + np.sin(phase), phase + np.pi / 2], 1).astype(np.float32)
        actions = rng.integers(1, len(ACTIONS), steps)
        actions[0] = 0
        frames = rng.integers(0, 256, (steps, size, size, 3), dtype=np.uint8)
        # Noise in a paint colour would read as a mark nobody made (and export refuses starts that show one): grey it,
        # as no wall of the reference world has those colours.
        marked = painted(frames)
        frames[marked] = frames[marked].mean(-1, keepdims=True).astype(np.uint8)
        np.save(directory / f"{name}.frames.npy", frames)
        np.save(directory / f"{name}.actions.npy", actions.astype(np.int64))
        np.save(directory / f"{name}.poses.npy", poses)
        if paint:
            changed = np.zeros(steps, np.uint8)
            changed[7::10] = 1
            actions[7::10] = len(ACTIONS)
            np.save(directory / f"{name}.actions.npy", actions.astype(np.int64))
            np.save(directory / f"{name}.changed.npy", changed)
            later = np.append(np.flatnonzero(changed), steps)
            np.save(directory / f"{name}.stale_from.npy", later[np.searchsorted(later, np.arange(steps), side="right")])
        index["episodes"].append({"name": name, "seed": e + 1, "steps": steps})
    (directory / "index.json").write_text(json.dumps(index))
    return directory
