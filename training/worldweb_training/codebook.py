"""A codebook of small real patches, and frames written in it: the vocabulary of the token model.

A regression model predicts the mean (or median) of what may come next; where the next view is uncertain that is
a flat fill, and in free play the whole view is sooner or later such a fill. A model that chooses, for each 4×4
patch of the next frame, one of a few hundred patches cut from real frames can only paint with real patches: the
maze's own colours and edges. k-means over training patches makes the codebook; 512 patches of 4×4 rebuild
held-out frames at about 36 dB, so the vocabulary costs little quality.
"""
import numpy as np
import torch


def to_patches(frames, patch):
    """[N, 3, H, W] → [N, (H/p)·(W/p), 3·p·p], row-major over patch positions."""
    n, c, h, w = frames.shape
    x = frames.reshape(n, c, h // patch, patch, w // patch, patch)
    return x.permute(0, 2, 4, 1, 3, 5).reshape(n, (h // patch) * (w // patch), c * patch * patch)


def from_patches(patches, patch, h, w):
    """The inverse of to_patches."""
    n = patches.shape[0]
    x = patches.reshape(n, h // patch, w // patch, 3, patch, patch)
    return x.permute(0, 3, 1, 4, 2, 5).reshape(n, 3, h, w)


def nearest(patches, codebook):
    """Index of the nearest code ([N, P]) for patches [N, P, D]."""
    flat = patches.reshape(-1, patches.shape[-1])
    distance = (flat ** 2).sum(1, keepdim=True) - 2 * flat @ codebook.T + (codebook ** 2).sum(1)
    return distance.argmin(1).reshape(patches.shape[:2])


def quantize(frames, codebook, patch):
    """(codes [N, P], frames rebuilt from them [N, 3, H, W]) for frames [N, 3, H, W] in [0, 1].

    The nearest code of each patch minimises |code|² − 2·patch·code, computed patch by patch as one matrix product
    so that the scores come out with the codes last, where the argmax reads them in order. (As a stride-`patch`
    convolution the product itself is faster, but ONNX Runtime then reorders the scores out of its blocked layout
    and takes the argmax across channels: the whole quantization took twice as long; docs/model-card.md, "Step cost".)
    """
    h, w = frames.shape[-2:]
    scores = 2 * to_patches(frames, patch) @ codebook.T - (codebook ** 2).sum(1)
    codes = scores.argmax(-1)
    return codes, from_patches(codebook[codes], patch, h, w)


def fit_codebook(episodes, size, patch, frames_per_episode=40, iterations=15, seed=0):
    """k-means over patches of training frames: [size, 3·patch·patch] in [0, 1]."""
    rng = np.random.default_rng(seed)
    frames = np.concatenate([e.frames[rng.choice(len(e), min(frames_per_episode, len(e)), replace=False)] for e in episodes])
    return _kmeans(_patch_rows(frames, patch), size, iterations, seed)


def fit_extra_codes(episodes, codebook, count, patch, frames_per_episode=40, iterations=15, seed=0):
    """`count` more codes for a grown codebook: k-means over the training patches that `codebook` rebuilds worst.

    What a codebook fitted by k-means over all patches lacks is what is rare: small bright landmarks, and what the
    world gained since it was fitted (painted marks). The frames just after each change to the world join the
    sample, so every mark's colours are in it.
    """
    rng = np.random.default_rng(seed)
    frames = []
    for e in episodes:
        after = [np.arange(c, min(c + 12, len(e))) for c in np.flatnonzero(e.changed)]
        steps = rng.choice(len(e), min(frames_per_episode, len(e)), replace=False)
        frames.append(e.frames[np.concatenate([steps] + after)])
    data = _patch_rows(np.concatenate(frames), patch)
    error = torch.cat([((rows - codebook[nearest(rows[None], codebook)[0]]) ** 2).mean(1)
                       for rows in data.split(200_000)])
    worst = data[error >= torch.quantile(error[:1_000_000], 0.97)]
    return _kmeans(worst, count, iterations, seed)


def _patch_rows(frames, patch):
    """uint8 [N, H, W, 3] → float rows [N·(H/p)·(W/p), 3·p·p] in [0, 1]."""
    return to_patches(torch.from_numpy(frames).movedim(-1, 1).float() / 255, patch).reshape(-1, 3 * patch * patch)


def _kmeans(data, size, iterations, seed):
    generator = torch.Generator().manual_seed(seed)
    codes = data[torch.randperm(len(data), generator=generator)[:size]].clone()
    for _ in range(iterations):
        sample = data[torch.randperm(len(data), generator=generator)[:200_000]]
        assigned = nearest(sample[None], codes)[0]
        counts = torch.bincount(assigned, minlength=size).float()
        sums = torch.zeros_like(codes).index_add_(0, assigned, sample)
        used = counts > 0
        codes[used] = sums[used] / counts[used, None]
        unused = (~used).nonzero().flatten()  # dead codes restart on random patches
        codes[unused] = sample[torch.randint(len(sample), (len(unused),), generator=generator)]
    return codes
