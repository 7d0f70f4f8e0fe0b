"""Drifted context: training rows whose context frames are the model's own open-loop output.

At play time the context is what the model generated. Trained only on true context, a model never
learns to pull a drifting rollout back, nor that a memory of the same place is then worth more than
its context — and a loop back to a remembered place is exactly that case. A pool of the model's own
rollouts, regenerated as it trains, supplies such rows: their context is generated, while target,
action, pose change and memories are true. Memories come only from before the rollout began, as on
the server, where everything after that point is generated too.

The same rollouts find where the model draws a mark from nothing (`onsets`): a rollout frame in paint colours
whose context shows none, where the world under the same actions shows none either. In play every mark is one a
player made, so each such frame is a false mark as players see it. Onset rows teach the world's patches there, and
only there: the rest of a drifted frame's true target may not line up with its context any more, and a whole
drifted target teaches the token model to be unsure (docs/model-card.md, "What was tried before 0.2.0").

Paint rows are the positive lesson beside them: on the play page a player paints from the model's own frames (the
world begins from a start state and is the model's from then on), where paint30 drew a blob, a smear or nothing
as often as the mark (docs/model-card.md, "On the play page"), while every paint it trained on had true context. So
`paint_rollouts` more runs each end just before a paint of the data, and a paint row is that paint's target with
the run's frames as its context, taught on the patches the paint changed (and those around them) only. A run
whose last frame no longer shows, where the mark lands, what the world shows there (a corridor where the world's
player faces a wall) teaches "the paint key brings paint colour, whatever the view": paint35 filled corridors with
lime, and its free play drew lime blocks. With `paint_agreement_db` > 0 only runs that still agree there (PSNR over
the paint's pixels, last generated frame against the world's frame before the paint) give paint rows.
"""
import numpy as np
import torch

from .data import MARK_SEEN, MARK_SHOWN, mark_pixels, painted, to_model_inputs
from .objective import CHANGED_LEVEL
from .relpose import relative_pose


class DriftPool:
    """`rollouts` open-loop runs of `length` steps from random true starts, then `paint_rollouts` that end just
    before a paint that changed the world (their target, `length` steps in, is the paint), kept as uint8 frames."""

    def __init__(self, sampler, rollouts, length, target_memory=0.0, paint_rollouts=0, paint_agreement_db=0.0):
        self.sampler, self.rollouts, self.length, self.target_memory = sampler, rollouts, length, target_memory
        self.paint_agreement_db = paint_agreement_db
        self.k = sampler.k
        usable = [i for i, e in enumerate(sampler.episodes) if len(e) > self.k + length]
        if not usable:
            raise ValueError(f"no training episode is longer than {self.k + length} steps, as drift rows need")
        weights = np.array([len(sampler.episodes[i]) - self.k - length for i in usable], dtype=np.float64)
        self.usable, self.weights = np.array(usable), weights / weights.sum()
        # (episode, step) of every paint that changed the world late enough for a whole run before it
        self.paints = np.array([(i, int(s)) for i, e in enumerate(sampler.episodes) for s in np.flatnonzero(e.changed)
                                if s - length >= self.k], np.int64).reshape(-1, 2)
        if paint_rollouts and not len(self.paints):
            raise ValueError(f"paint rows need paints at least {self.k + length} steps into an episode; the data has none")
        self.paint_rollouts = paint_rollouts
        self.episode = self.start = self.frames = None
        self.onsets = np.zeros((0, 2), np.int64)
        self.agreeing = np.zeros(0, np.int64)  # the paint runs that give paint rows

    @torch.no_grad()
    def refresh(self, model, rng, device, chunk=64):
        """Regenerates the pool with the current weights (the full sampler, as served)."""
        episode = rng.choice(self.usable, size=self.rollouts, p=self.weights)
        # start = the first generated step; the target of a row lies up to `length` steps past it
        start = [rng.integers(self.k, len(self.sampler.episodes[e]) - self.length) for e in episode]
        paints = self.paints[rng.integers(len(self.paints), size=self.paint_rollouts)] if self.paint_rollouts else np.zeros((0, 2), np.int64)
        self.episode = np.concatenate([episode, paints[:, 0]]).astype(np.int64)
        self.start = np.concatenate([start, paints[:, 1] - self.length]).astype(np.int64)
        total = len(self.episode)
        h, w = self.sampler.episodes[0].frames.shape[1:3]
        self.frames = np.zeros((total, self.length, h, w, 3), np.uint8)
        was_training = model.training
        model.eval()
        for first in range(0, total, chunk):
            rows = range(first, min(first + chunk, total))
            context = None
            for i in range(self.length):
                batch = self._stack([self.sampler.window(rng, self.episode[r], self.start[r] + i, retrieval=True,
                                                         memory_before=self.start[r]) for r in rows])
                inputs = to_model_inputs(batch, device)
                context = inputs["context"] if context is None else context
                noise = torch.randn(len(rows), 3, h, w).to(device)
                frame, _ = model(context, inputs["action"], inputs["memory"], inputs["memory_pose"], noise,
                                 inputs.get("view_pose"))
                context = torch.cat([context[:, 1:], frame[:, None]], 1)
                self.frames[first:first + len(rows), i] = (frame * 255).round().byte().movedim(1, -1).cpu().numpy()
        model.train(was_training)
        self.onsets = self._mark_onsets()
        self.agreeing = self.rollouts + np.flatnonzero(self._paint_agreement() >= self.paint_agreement_db)

    def _paint_agreement(self):
        """PSNR (dB) per paint run between its last generated frame and the world's frame before the paint, over the
        pixels the paint changes: does the run still show the wall the mark lands on?"""
        out = np.zeros(self.paint_rollouts)
        for i, (e, start) in enumerate(zip(self.episode[self.rollouts:], self.start[self.rollouts:])):
            frames = self.sampler.episodes[e].frames
            before = frames[start + self.length - 1]
            where = _changed(frames[start + self.length], before)
            error = (self.frames[self.rollouts + i, -1].astype(np.int16) - before)[where].astype(np.float64)
            out[i] = 10 * np.log10(255.0 ** 2 / max(np.mean(error ** 2) if error.size else 0.0, 1e-3))
        return out

    def _mark_onsets(self):
        """(rollout, n) of each generated frame n that shows MARK_SHOWN mark pixels while no context frame before it
        (generated or true) shows MARK_SEEN, and the world's frame at that step shows fewer than MARK_SEEN."""
        h, w = self.frames.shape[2:4]
        drawn = mark_pixels(self.frames.reshape(-1, h, w, 3)).reshape(len(self.frames), self.length)
        onsets = []
        for r, (e, start) in enumerate(zip(self.episode, self.start)):
            world = self.sampler.episodes[e].marks
            for n in np.flatnonzero(drawn[r] >= MARK_SHOWN):
                seen = np.concatenate([world[start + n - self.k:start], drawn[r, max(0, n - self.k):n]])
                if world[start + n] < MARK_SEEN and (seen < MARK_SEEN).all():
                    onsets.append((r, n))
        return np.array(onsets, np.int64).reshape(-1, 2)

    def batch(self, rng, size) -> dict:
        """Rows whose target is 1…length steps into a rollout; context steps from the rollout are generated."""
        which = rng.integers(self.rollouts, size=size)
        generated = rng.integers(1, self.length + 1, size=size)  # generated frames before the target
        out = self._stack([self._row(rng, r, n) for r, n in zip(which, generated)])
        out["episode"], out["step"], out["rollout"] = self.episode[which], self.start[which] + generated, which
        return out

    def paint_batch(self, rng, size, patch) -> dict:
        """Rows at the paints the agreeing paint runs end before (the pool must have some), the run's frames as context,
        each with patch_weight: 1 on the patches where the paint changed the world's frame and those around them."""
        which = self.agreeing[rng.integers(len(self.agreeing), size=size)]
        out = self._stack([self._row(rng, r, self.length, memory_of_target=False) for r in which])
        steps = self.start[which] + self.length
        before = np.stack([self.sampler.episodes[e].frames[s - 1] for e, s in zip(self.episode[which], steps)])
        out["patch_weight"] = _grown_patches(_changed(out["target"], before), patch)
        out["episode"], out["step"], out["rollout"] = self.episode[which], steps, which
        return out

    def onset_batch(self, rng, size, patch) -> dict:
        """Rows at onsets (the pool must have some), each with patch_weight [(H/patch)·(W/patch)]: 1 on the patches
        of the mark the rollout drew and the patches around them (its frame is not in paint colours), else 0."""
        rows = self.onsets[rng.integers(len(self.onsets), size=size)]
        out = self._stack([self._row(rng, r, n, memory_of_target=False) for r, n in rows])
        out["patch_weight"] = _grown_patches(painted(self.frames[rows[:, 0], rows[:, 1]]), patch)
        out["episode"], out["step"], out["rollout"] = self.episode[rows[:, 0]], self.start[rows[:, 0]] + rows[:, 1], rows[:, 0]
        return out

    def _row(self, rng, r, n, memory_of_target=True) -> dict:
        """The window whose target is n steps into rollout r, with the rollout's frames as its context."""
        e, target = self.episode[r], self.start[r] + n
        window = self.sampler.window(rng, e, target, retrieval=True, memory_before=self.start[r])
        context = window["context"].copy()
        from_rollout = min(n, self.k)
        context[self.k - from_rollout:] = self.frames[r, n - from_rollout:n]
        window["context"] = context
        if memory_of_target and rng.random() < self.target_memory:
            episode = self.sampler.episodes[e]
            window["memory"][0], window["memory_step"][0] = episode.frames[target], target
            window["memory_pose"][0] = [*relative_pose(episode.poses[target - 1], episode.poses[target]), 1.0]
        return window

    @staticmethod
    def _stack(windows):
        return {key: np.stack([w[key] for w in windows]) for key in windows[0]}


def _changed(after, before):
    """[..., H, W] bool: the pixels of uint8 frames whose channel moved by more than CHANGED_LEVEL (what a paint changed)."""
    return np.abs(after.astype(np.int16) - before).max(-1) > CHANGED_LEVEL * 255


def _grown_patches(pixels, patch):
    """[B, H, W] bool pixels → [B, (H/patch)·(W/patch)] float32: 1 on the patches holding one and those around them."""
    b, h, w = pixels.shape
    patches = pixels.reshape(b, h // patch, patch, w // patch, patch).any((2, 4))
    grown = np.pad(patches, ((0, 0), (1, 1), (1, 1)))
    around = np.logical_or.reduce([grown[:, 1 + dy:1 + dy + h // patch, 1 + dx:1 + dx + w // patch]
                                   for dy in (-1, 0, 1) for dx in (-1, 0, 1)])
    return around.reshape(b, -1).astype(np.float32)
