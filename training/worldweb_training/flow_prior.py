"""A data-driven start for each action's view-independent flow: block matching over training frames.

Before training, each action's flow is estimated from pairs of consecutive frames that action made: for every 8×8
block of the new frame, the integer displacement (up to ±MAX_SHIFT pixels) at which the previous frame matches it
best, summed over many pairs. A turn moves every block the same way wherever the player stands, so its flow comes out
sharp; forward, backward and strafing depend on depth, and their average is only a start that the denoiser refines.
"""
import numpy as np

from .model import ACTION_FLOW_GRID

MAX_SHIFT = 8


def estimate_action_flows(episodes, n_actions, pairs_per_action=300, seed=0):
    """[n_actions, 2, G, G] flows in grid units (x, y; 1 = half the frame), G = ACTION_FLOW_GRID."""
    rng = np.random.default_rng(seed)
    flows = np.zeros((n_actions, 2, ACTION_FLOW_GRID, ACTION_FLOW_GRID), np.float32)
    shifts = np.arange(-MAX_SHIFT, MAX_SHIFT + 1)
    for action in range(n_actions):
        where = [(e, s) for e, episode in enumerate(episodes) for s in np.flatnonzero(episode.actions == action) if s > 0]
        if not where:
            continue
        picks = [where[i] for i in rng.choice(len(where), size=min(pairs_per_action, len(where)), replace=False)]
        h, w = episodes[0].frames.shape[1:3]
        block = h // ACTION_FLOW_GRID
        cost = np.zeros((ACTION_FLOW_GRID, ACTION_FLOW_GRID, len(shifts), len(shifts)))
        for e, s in picks:
            before = episodes[e].frames[s - 1].astype(np.float32)
            after = episodes[e].frames[s].astype(np.float32)
            padded = np.pad(before, ((MAX_SHIFT, MAX_SHIFT), (MAX_SHIFT, MAX_SHIFT), (0, 0)), mode="edge")
            for iy, dy in enumerate(shifts):
                for ix, dx in enumerate(shifts):
                    moved = padded[MAX_SHIFT + dy:MAX_SHIFT + dy + h, MAX_SHIFT + dx:MAX_SHIFT + dx + w]
                    squared = ((moved - after) ** 2).sum(-1)
                    cost[:, :, iy, ix] += squared.reshape(ACTION_FLOW_GRID, block, ACTION_FLOW_GRID, block).sum((1, 3))
        best = cost.reshape(ACTION_FLOW_GRID, ACTION_FLOW_GRID, -1).argmin(-1)
        # The new frame's pixel p shows the old frame's p + shift: the sampling offset the warp takes, in grid units.
        flows[action, 0] = shifts[best % len(shifts)] * 2 / w
        flows[action, 1] = shifts[best // len(shifts)] * 2 / h
    return flows
