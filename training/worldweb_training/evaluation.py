"""Periodic held-out evaluation: teacher-forced quality on a fixed batch, and a short free play.

Teacher-forced PSNR gives the model the true context at every step and hid a model that dissolved
in play, so every evaluation also runs free play (freeplay.py) and judges what it made.
"""
import math

import numpy as np
import torch

from .data import to_model_inputs
from .freeplay import RealFrames, free_play

EVAL_NOISE_SEED = 20240601  # fixed so successive evaluations differ only by the weights
MAX_PSNR_DB = 60.0  # as WorldWeb.Tools' FrameQuality


def psnr_db(frames, targets):
    """Per-row PSNR (dB, capped at MAX_PSNR_DB) of [0, 1] images."""
    mse = ((frames - targets) ** 2).flatten(1).mean(1).clamp_min(10 ** (-MAX_PSNR_DB / 10))
    return -10 * torch.log10(mse)


class HeldOutBatch:
    def __init__(self, sampler, size, seed, device, chunk=32):
        rng = np.random.default_rng(seed)
        noise_rng = torch.Generator().manual_seed(EVAL_NOISE_SEED)
        h, w = sampler.episodes[0].frames.shape[1:3]
        self.chunks = []
        for start in range(0, size, chunk):
            rows = min(chunk, size - start)
            inputs = to_model_inputs(sampler.batch(rng, rows), device)
            inputs["noise"] = torch.randn(rows, 3, h, w, generator=noise_rng).to(device)
            self.chunks.append(inputs)

    @torch.no_grad()
    def evaluate(self, model) -> dict:
        """Teacher-forced and copy-last PSNR over the same rows: those whose view changed (a still view,
        copied, would score the cap and flatter copy-last), with pose errors over all rows."""
        was_training = model.training
        model.eval()
        frames, poses = [], []
        for c in self.chunks:
            frame, pose = model(c["context"], c["action"], c["memory"], c["memory_pose"], c["noise"], c.get("view_pose"))
            frames.append(frame)
            poses.append(pose)
        model.train(was_training)
        target = torch.cat([c["target"] for c in self.chunks])
        last = torch.cat([c["context"][:, -1] for c in self.chunks])
        changed = (last != target).flatten(1).any(1)
        pose_error = (torch.cat(poses) - torch.cat([c["pose_delta"] for c in self.chunks])).abs().mean(0)
        return {"psnr_db": float(psnr_db(torch.cat(frames)[changed], target[changed]).mean()),
                "copy_last_psnr_db": float(psnr_db(last[changed], target[changed]).mean()),
                "changed_rows": int(changed.sum()),
                "pose_mae": {"forward": float(pose_error[0]), "right": float(pose_error[1]),
                             "dheading_deg": math.degrees(float(pose_error[2]))}}


class FreePlayCheck:
    """A short free play from held-out starts, judged against real frames of the training mazes."""

    def __init__(self, train_episodes, held_out_episodes, action_names, rollouts, steps, device):
        self.real = RealFrames.from_episodes(train_episodes, held_out_episodes)
        self.episodes = [e for e in held_out_episodes if len(e) > 8]
        self.action_names, self.rollouts, self.steps, self.device = action_names, rollouts, steps, device

    def evaluate(self, model) -> dict:
        frames = free_play(model, self.episodes, self.action_names, self.rollouts, self.steps, device=self.device)
        half = self.steps // 2  # the later half: what play has become, not how it started
        return {"steps": [half, self.steps], **self.real.judge(frames[half:].flatten(0, 1)),
                "real_realism_db": self.real.realism_db, "real_colourful_share": self.real.colourful_share,
                "colour_tvd_control": self.real.colour_tvd_control}
