"""Teacher-forced evaluation on a fixed held-out batch: the full sampler, true context and memory."""
import math

import numpy as np
import torch

from .data import to_model_inputs

EVAL_NOISE_SEED = 20240601  # fixed so successive evaluations differ only by the weights


def psnr_db(frames, targets):
    """Mean over rows of the per-frame PSNR of [0, 1] images."""
    mse = ((frames - targets) ** 2).flatten(1).mean(1).clamp_min(1e-10)
    return float((-10 * torch.log10(mse)).mean())


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
        was_training = model.training
        model.eval()
        frames, poses = [], []
        for c in self.chunks:
            frame, pose = model(c["context"], c["action"], c["memory"], c["memory_pose"], c["noise"])
            frames.append(frame)
            poses.append(pose)
        model.train(was_training)
        target = torch.cat([c["target"] for c in self.chunks])
        last = torch.cat([c["context"][:, -1] for c in self.chunks])
        pose_error = (torch.cat(poses) - torch.cat([c["pose_delta"] for c in self.chunks])).abs().mean(0)
        return {"psnr_db": psnr_db(torch.cat(frames), target),
                "copy_last_psnr_db": psnr_db(last, target),
                "pose_mae": {"forward": float(pose_error[0]), "right": float(pose_error[1]),
                             "dheading_deg": math.degrees(float(pose_error[2]))}}
