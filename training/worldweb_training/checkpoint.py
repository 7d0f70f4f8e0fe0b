"""Checkpoints that survive being killed mid-write, and the RNG states that make resuming exact."""
import os
from pathlib import Path

import numpy as np
import torch


def save_atomically(state: dict, path):
    """Writes beside the target, then renames: a crash leaves the previous checkpoint intact."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)


def load(path, device="cpu") -> dict:
    # Our own files. torch 1.13's weights-only loader cannot read floats, and PyTorch ≥ 2.6 turns
    # it on by default, so say so explicitly.
    return torch.load(path, map_location=device, weights_only=False)


def rng_states(sampler_rng: np.random.Generator) -> dict:
    return {"numpy": sampler_rng.bit_generator.state,
            "torch": torch.get_rng_state(),
            "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None}


def restore_rng_states(states: dict, sampler_rng: np.random.Generator):
    sampler_rng.bit_generator.state = states["numpy"]
    torch.set_rng_state(states["torch"])
    if states["cuda"] is not None and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(states["cuda"])
