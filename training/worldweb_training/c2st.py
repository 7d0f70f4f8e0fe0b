"""Classifier two-sample test (C2ST): can a small CNN tell two sets of frames apart?

A classifier learns to tell set A from set B on some episodes and is judged on others; its balanced accuracy on the
held-out episodes (the mean of the two sets' hit rates) is the statistic: 0.5 when it cannot tell them apart, 1.0
when it always can (Lopez-Paz & Oquab, "Revisiting classifier two-sample tests", 2017). Frames of one episode are
never split between training, early stopping and testing: neighbouring frames of a walk nearly repeat, and a
classifier that remembered them would tell apart two sets drawn from the same world. Every episode is tested once
(k folds by episode, each trained on the other folds' episodes, some of which it holds out to stop early). No
pretrained network, no augmentation, fixed seeds.
"""
import math
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

FOLDS = 4
MAX_EPOCHS = 12
PATIENCE = 3
MIN_EPOCHS = 4  # the first epochs can lose to chance before they learn
BATCH = 32
LEARNING_RATE = 2e-3
WIDTH = 16
BN_FRAMES = 1024  # training frames that set batch norm's statistics after each epoch


def classifier(width=WIDTH):
    """Four stride-2 3×3 convolutions (64 → 4 at 64×64 frames; any size from 16), then the mean over positions."""
    layers, channels = [], 3
    for out in (width, 2 * width, 4 * width, 4 * width):
        layers += [nn.Conv2d(channels, out, 3, 2, 1), nn.BatchNorm2d(out), nn.ReLU()]
        channels = out
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, 1))


def episode_folds(episodes, folds, seed):
    """{episode: fold}: the distinct episodes in a seeded order, dealt round the folds."""
    unique = np.unique(episodes)
    order = np.random.default_rng(seed).permutation(len(unique))
    return {int(unique[i]): n % folds for n, i in enumerate(order)}


def splits(episodes, folds, seed):
    """Per fold, boolean masks over frames (train, stop, test): the fold's episodes are tested, a quarter of the
    others (at least one) stop training early, the rest train. An episode's frames are always on one side."""
    fold_of = episode_folds(episodes, folds, seed)
    if len(fold_of) < 3:
        raise ValueError(f"{len(fold_of)} episodes: a held-out test needs at least 3 (train, stop early, test)")
    rng = np.random.default_rng(seed)
    fold = np.array([fold_of[int(e)] for e in episodes])
    for k in range(min(folds, len(fold_of))):
        rest = sorted(e for e, f in fold_of.items() if f != k)
        stop = np.isin(episodes, rng.choice(rest, size=max(1, len(rest) // 4), replace=False))
        test = fold == k
        yield ~test & ~stop, stop, test


def c2st(a, b, a_episodes, b_episodes, a_groups=None, b_groups=None, folds=FOLDS, seed=0, repeats=1,
         max_epochs=MAX_EPOCHS, patience=PATIENCE, batch=BATCH, width=WIDTH, log=print) -> dict:
    """Balanced held-out accuracy of a CNN telling frames `a` from frames `b` (uint8 [N, H, W, 3]).

    Frames with the same episode id — in either set — are always on the same side of every split. Groups (ints, one
    per frame) break the accuracy down: `groups[g] = {"a": [hits, tests], "b": [hits, tests], "accuracy": …}`.
    With `repeats` > 1 the k folds are dealt again from other seeds and every frame is tested once per deal: a
    steadier figure where few episodes make one deal's luck count (a control of real against real).
    """
    started = time.monotonic()
    frames = np.concatenate([a, b])
    labels = np.concatenate([np.zeros(len(a), np.float32), np.ones(len(b), np.float32)])
    episodes = np.concatenate([a_episodes, b_episodes]).astype(np.int64)
    groups = np.concatenate([np.zeros(len(a), np.int64) if a_groups is None else a_groups,
                             np.zeros(len(b), np.int64) if b_groups is None else b_groups]).astype(np.int64)
    hits = np.zeros((repeats, len(frames)), bool)
    details = []
    for r in range(repeats):
        deal = seed + 1000 * r
        for k, (train, stop, test) in enumerate(splits(episodes, folds, deal)):
            model, epoch, stop_loss = _train(frames[train], labels[train], frames[stop], labels[stop], deal + k,
                                             max_epochs, patience, batch, width)
            # With no classifier (chance) every frame is called A: half the sets' hits, balanced accuracy 0.5.
            said_b = _logits(model, frames[test]).numpy() > 0 if model is not None else np.zeros(int(test.sum()), bool)
            hits[r, test] = said_b == (labels[test] == 1)
            details.append({"deal": r, "test_episodes": np.unique(episodes[test]).tolist(), "best_epoch": epoch,
                            "stop_loss": round(stop_loss, 4), "accuracy": _balanced(hits[r, test], labels[test])})
            best = f"best after epoch {epoch}" if model is not None else "no epoch beat chance"
            log(f"{f'deal {r + 1}, ' if repeats > 1 else ''}fold {k + 1}: trained on {int(train.sum())} frames, {best} "
                f"(loss {stop_loss:.3f} on {int(stop.sum())} frames to stop early), accuracy {details[-1]['accuracy']} "
                f"on {int(test.sum())} held-out frames")
    hit, labels, groups = hits.reshape(-1), np.tile(labels, repeats), np.tile(groups, repeats)

    def counts(mask):
        return {"a": [int(hit[mask & (labels == 0)].sum()), int((mask & (labels == 0)).sum())],
                "b": [int(hit[mask & (labels == 1)].sum()), int((mask & (labels == 1)).sum())],
                "accuracy": _balanced(hit[mask], labels[mask])}

    return {"accuracy": _balanced(hit, labels), "episodes": len(np.unique(episodes)), "frames": [len(a), len(b)],
            "repeats": repeats, "folds": details, "groups": {str(g): counts(groups == g) for g in np.unique(groups)},
            "seconds": round(time.monotonic() - started, 1)}


def _train(frames, labels, stop_frames, stop_labels, seed, max_epochs, patience, batch, width):
    """Adam on shuffled batches; keeps the weights of the epoch with the lowest loss on the stopping episodes."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = classifier(width)
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    # Epoch 0 is "always say 0.5" (loss ln 2, balanced accuracy 0.5): a fold whose classifier never beats it on the
    # stopping episodes has found nothing that carries over to unseen episodes, and says so rather than guess.
    best, best_state, best_epoch = math.log(2), None, 0
    for epoch in range(1, max_epochs + 1):
        model.train()
        order = rng.permutation(len(frames))
        for i in range(0, len(order) - batch // 2, batch):  # a last scrap of a batch would upset batch norm
            pick = np.sort(order[i:i + batch])
            loss = F.binary_cross_entropy_with_logits(model(_as_input(frames[pick]))[:, 0], torch.from_numpy(labels[pick]))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        _settle_batch_norm(model, frames, rng)
        stop_loss = float(F.binary_cross_entropy_with_logits(_logits(model, stop_frames), torch.from_numpy(stop_labels)))
        if stop_loss < best:
            best, best_state, best_epoch = stop_loss, {k: v.clone() for k, v in model.state_dict().items()}, epoch
        elif epoch - best_epoch >= patience and epoch >= MIN_EPOCHS:
            break
    if best_state is None:
        return None, 0, best
    model.load_state_dict(best_state)
    return model, best_epoch, best


def _settle_batch_norm(model, frames, rng, batch=64):
    """Batch norm's statistics as the mean over some training frames with the epoch's final weights, not a running
    average over weights that kept changing: it steadies the held-out loss (and so early stopping) from epoch to epoch."""
    norms = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    for norm in norms:
        norm.reset_running_stats()
        norm.momentum = None  # a cumulative mean
    pick = np.sort(rng.permutation(len(frames))[:BN_FRAMES])
    model.train()
    with torch.no_grad():
        for i in range(0, len(pick), batch):
            model(_as_input(frames[pick[i:i + batch]]))
    for norm in norms:
        norm.momentum = 0.1


def _as_input(frames):
    return torch.from_numpy(np.ascontiguousarray(frames)).permute(0, 3, 1, 2).float() / 255 - 0.5


def _logits(model, frames, batch=256):
    model.eval()
    with torch.no_grad():
        return torch.cat([model(_as_input(frames[i:i + batch]))[:, 0] for i in range(0, len(frames), batch)])


def _balanced(hit, labels):
    rates = [float(hit[labels == c].mean()) for c in (0, 1) if (labels == c).any()]
    return round(sum(rates) / len(rates), 4) if rates else None
