"""Twice the channels, the same function (Net2WiderNet, Chen et al. 2016): a larger model that starts where a trained
one stands, so a CPU run spends its steps on what the extra width can learn, not on learning the maze again.

Every channel of the U-Net becomes two neighbours, so GroupNorm's groups hold each old group's channels twice and
see the same mean and variance. A layer that writes a channel writes both copies (rows repeated); a layer that
reads one splits each weight between the copies, r·w and (1 − r)·w with r drawn per weight, so the sum it reads is
unchanged and the copies' gradients differ: the pair can part as training needs. AdamW's moments follow: a read
weight's gradient is the old weight's, a written row's about half of it (r near ½).
"""
import copy

import numpy as np
import torch

FACTOR = 2
SPLIT = (0.25, 0.75)  # r's range: away from 0 and 1, so each copy keeps a share of every read weight
BUFFERS = ("frequencies", "codebook")  # in a state dict, not parameters


def _written(t, kind):
    """Rows repeated; a moment scaled as the gradient of a row that now feeds half the reads."""
    scale = {"weight": 1.0, "exp_avg": 0.5, "exp_avg_sq": 0.25}[kind]
    return t.repeat_interleave(FACTOR, 0) * scale


def _read(t, dim, start, length, kind, rng):
    """Input channels [start, start + length) along `dim` split between their copies; the rest kept as they are."""
    before, part, after = t.narrow(dim, 0, start), t.narrow(dim, start, length), t.narrow(dim, start + length, t.shape[dim] - start - length)
    doubled = part.repeat_interleave(FACTOR, dim)
    if kind == "weight":
        r = torch.from_numpy(rng.uniform(*SPLIT, size=part.shape)).to(t.dtype)
        doubled = doubled * torch.stack([r, 1 - r], dim + 1).flatten(dim, dim + 1)
    return torch.cat([before, doubled, after], dim)


def _film(t, kind):
    """A FiLM layer writes [scale | shift] for C channels: each half repeated on its own."""
    half = t.shape[0] // 2
    return torch.cat([_written(t[:half], kind), _written(t[half:], kind)])


def _resblock(prefix, tensors, kind, rng):
    out = {}
    for norm in ("norm1.weight", "norm1.bias"):  # an affine per channel: both copies the same
        out[norm] = _written(tensors[norm], kind)
    for conv in ("conv1", "conv2"):
        out[f"{conv}.weight"] = _read(_written(tensors[f"{conv}.weight"], kind), 1, 0, tensors[f"{conv}.weight"].shape[1], kind, rng)
        out[f"{conv}.bias"] = _written(tensors[f"{conv}.bias"], kind)
    out["film.weight"], out["film.bias"] = _film(tensors["film.weight"], kind), _film(tensors["film.bias"], kind)
    return {f"{prefix}.{k}": v for k, v in out.items()}


def widen_tensors(state, widths, kind, seed):
    """A model's state dict widened, or (`kind` exp_avg / exp_avg_sq) AdamW's moment of each parameter by name."""
    rng = np.random.default_rng(seed)
    c1, c2, c3 = widths
    d = "denoiser."
    out = dict(state)
    mids = sorted({k.split(".")[2] for k in state if k.startswith(d + "mid.")}, key=int)
    blocks = ["enc32", "enc16", "dec16", "dec32"] + [f"mid.{i}" for i in mids]
    for block in blocks:
        tensors = {k[len(d + block) + 1:]: v for k, v in state.items() if k.startswith(f"{d}{block}.")}
        out.update(_resblock(d + block, tensors, kind, rng))
    out[d + "stem_condition.weight"] = _written(state[d + "stem_condition.weight"], kind)
    out[d + "stem_condition.bias"] = _written(state[d + "stem_condition.bias"], kind)
    out[d + "stem_pose.weight"] = _written(state[d + "stem_pose.weight"], kind)
    for name, width_in in (("down16", c1), ("down8", c2)):
        out[f"{d}{name}.weight"] = _read(_written(state[f"{d}{name}.weight"], kind), 1, 0, width_in, kind, rng)
        out[f"{d}{name}.bias"] = _written(state[f"{d}{name}.bias"], kind)
    # The merges read [upsampled deeper features | skip]: two widened parts.
    for name, deep, skip in (("merge16", c3, c2), ("merge32", c2, c1)):
        w = _written(state[f"{d}{name}.weight"], kind)
        w = _read(w, 1, 0, deep, kind, rng)
        out[f"{d}{name}.weight"] = _read(w, 1, FACTOR * deep, skip, kind, rng)
        out[f"{d}{name}.bias"] = _written(state[f"{d}{name}.bias"], kind)
    out[d + "out_norm.weight"] = _written(state[d + "out_norm.weight"], kind)
    out[d + "out_norm.bias"] = _written(state[d + "out_norm.bias"], kind)
    out[d + "token_head.weight"] = _read(state[d + "token_head.weight"], 1, 0, c1, kind, rng)
    # The pose head reads [mid's mean per channel | the action embedding].
    out["pose_head.0.weight"] = _read(state["pose_head.0.weight"], 1, 0, c3, kind, rng)
    return out


def widen_checkpoint(saved, seed=0):
    """A checkpoint (train.py's) of the same model at twice the widths, moments included, ready for --init-from
    with --keep-optimizer."""
    model_cfg = saved["config"]["model"]
    if model_cfg.get("output") != "tokens":
        raise SystemExit("widen: only the token model (output = tokens) is supported")
    widths = list(model_cfg["widths"])
    wide = copy.deepcopy(saved)
    wide["config"]["model"]["widths"] = [FACTOR * w for w in widths]
    wide["model"] = widen_tensors(saved["model"], widths, "weight", seed)
    names = [k for k in saved["model"] if k not in BUFFERS]  # in the order AdamW numbers the parameters
    states = wide["optimizer"]["state"]
    for kind in ("exp_avg", "exp_avg_sq"):
        moments = widen_tensors({names[i]: state[kind] for i, state in states.items()}, widths, kind, seed)
        for i, state in states.items():
            state[kind] = moments[names[i]]
    return wide
