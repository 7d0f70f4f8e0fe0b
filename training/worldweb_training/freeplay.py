"""Free play: the model on its own output for many steps, judged as a player would see it.

Teacher-forced PSNR gives the model the true last frames at every step; a player never has them.
Here the model runs from true context under held keys like a person's, and each generated frame is
scored with no reference for its step and no pretrained network (the same measures as `./worldweb eval`):
- realism: PSNR at 16×16 (4×4 area mean) of the nearest frame in a bank of real frames of other mazes;
- sharpness: mean |gradient| relative to real frames' (1.0 = as sharp as the world; noise scores high,
  smear low);
- grid energy: mean |x[i,j] − x[i+1,j] − x[i,j+1] + x[i+1,j+1]| relative to real frames';
- colourful share: the share of pixels whose channels spread by more than 60 levels (max − min, 0–255);
- colour distance: total variation ½·Σ|p − q| between 64-bin colour histograms (4 levels per channel, the top two
  bits: bin = 16·(R≫6) + 4·(G≫6) + (B≫6)) of the generated frames and of real frames, beside the same distance
  between two halves of the real episodes (real against real).
Memory slots stay empty here; `./worldweb eval` plays with the server's memory.
"""
import numpy as np
import torch
import torch.nn.functional as F

# Held keys like a person's: mostly forward and turns, some strafing, each held 5–20 steps. The same
# weights as WorldWeb.Tools' explore policy.
EXPLORE_WEIGHTS = {"noop": 0.05, "forward": 0.45, "backward": 0.05, "turn_left": 0.15, "turn_right": 0.15,
                   "strafe_left": 0.075, "strafe_right": 0.075}
FREE_PLAY_NOISE_SEED = 20261130
COLOURFUL_SPREAD = 60  # as WorldWeb.Tools' ColourMeasures


def explore_actions(rng, steps, action_names):
    weights = np.array([EXPLORE_WEIGHTS.get(name, 0.0) for name in action_names])
    actions = []
    while len(actions) < steps:
        actions += [int(rng.choice(len(weights), p=weights / weights.sum()))] * int(rng.integers(5, 21))
    return np.array(actions[:steps])


def as_float(frames_uint8):
    """uint8 [N, H, W, 3] → float [N, 3, H, W] in [0, 1]."""
    return torch.from_numpy(np.ascontiguousarray(frames_uint8)).movedim(-1, 1).float() / 255


def thumbnails(frames):
    """[N, 3, H, W] → [N, 3·H/4·W/4]: the 4×4 area means realism compares."""
    return F.avg_pool2d(frames, 4).flatten(1)


def gradient(frames):
    """Mean absolute horizontal and vertical difference per frame."""
    dx = (frames[..., :, 1:] - frames[..., :, :-1]).abs().flatten(1).mean(1)
    dy = (frames[..., 1:, :] - frames[..., :-1, :]).abs().flatten(1).mean(1)
    return (dx + dy) / 2


def checkerboard(frames):
    """Mean absolute 2×2 checkerboard response per frame."""
    x = frames
    return (x[..., :-1, :-1] - x[..., 1:, :-1] - x[..., :-1, 1:] + x[..., 1:, 1:]).abs().flatten(1).mean(1)


def levels(frames):
    """[N, 3, H, W] in [0, 1] → the 8-bit levels players see, as ints."""
    return (frames * 255).round().clamp(0, 255).long()


def colourful_share(frames):
    """Share of pixels whose channels spread by more than COLOURFUL_SPREAD levels."""
    x = levels(frames)
    return float((x.max(1).values - x.min(1).values > COLOURFUL_SPREAD).float().mean())


def colour_histogram(frames):
    """Pixel counts in 64 bins, 4 levels per channel: bin = 16·(R≫6) + 4·(G≫6) + (B≫6)."""
    x = levels(frames) >> 6
    return torch.bincount((16 * x[:, 0] + 4 * x[:, 1] + x[:, 2]).flatten(), minlength=64).double()


def total_variation(a, b):
    """½·Σ|a/Σa − b/Σb| of two histograms: 0 for the same shares, 1 for nothing in common."""
    return float((a / a.sum() - b / b.sum()).abs().sum() / 2)


class RealFrames:
    """What real frames look like: a bank of real views (other mazes) and the statistics of real frames.

    `halves`, two sets of real frames from different episodes, measure how far apart real colours fall by chance.
    """

    def __init__(self, bank, reference, chunk=512, halves=None):
        self.bank = thumbnails(bank)
        self.bank_norms = (self.bank ** 2).sum(1)
        self.chunk = chunk
        self.sharpness = float(gradient(reference).mean())
        self.grid = float(checkerboard(reference).mean())
        self.realism_db = float(self.realism(reference).mean())
        self.colourful_share = colourful_share(reference)
        self.histogram = colour_histogram(reference)
        self.colour_tvd_control = None if halves is None else \
            total_variation(colour_histogram(halves[0]), colour_histogram(halves[1]))

    @classmethod
    def from_episodes(cls, bank_episodes, reference_episodes, bank_every=5, reference_every=5):
        bank = np.concatenate([e.frames[::bank_every] for e in bank_episodes])
        reference = np.concatenate([e.frames[::reference_every] for e in reference_episodes])
        halves = None
        if len(reference_episodes) >= 2:
            halves = [as_float(np.concatenate([e.frames[::reference_every] for e in reference_episodes[h::2]]))
                      for h in (0, 1)]
        return cls(as_float(bank), as_float(reference), halves=halves)

    def realism(self, frames):
        """Per frame: PSNR (dB) at 16×16 of its nearest bank frame."""
        out = []
        for part in thumbnails(frames).split(self.chunk):
            distance = (part ** 2).sum(1, keepdim=True) - 2 * part @ self.bank.T + self.bank_norms
            mse = distance.min(1).values.clamp_min(1e-10) / part.shape[1]
            out.append(-10 * torch.log10(mse))
        return torch.cat(out)

    def judge(self, frames) -> dict:
        return {"realism_db": float(self.realism(frames).mean()),
                "sharpness": float(gradient(frames).mean()) / self.sharpness,
                "grid_energy": float(checkerboard(frames).mean()) / self.grid,
                "colourful_share": colourful_share(frames),
                "colour_tvd": total_variation(colour_histogram(frames), self.histogram)}


def moved(pose, step):
    """[B, 3] poses (x, y, heading) moved by [B, 3] steps (forward, right, dheading) seen from them (relpose's inverse)."""
    cos, sin = torch.cos(pose[:, 2]), torch.sin(pose[:, 2])
    return torch.stack([pose[:, 0] + step[:, 0] * cos - step[:, 1] * sin,
                        pose[:, 1] + step[:, 0] * sin + step[:, 1] * cos, pose[:, 2] + step[:, 2]], 1)


@torch.no_grad()
def free_play(model, episodes, action_names, rollouts, steps, seed=FREE_PLAY_NOISE_SEED, device="cpu"):
    """Generated frames [steps, rollouts, 3, H, W] from true contexts of `episodes`, explore policy, empty memory."""
    rng = np.random.default_rng(seed)
    noise_rng = torch.Generator().manual_seed(seed)
    k, m = model.cfg.context_frames, model.cfg.memory_slots
    which = rng.integers(len(episodes), size=rollouts)
    starts = [(e, int(rng.integers(k, len(episodes[e])))) for e in which]
    context = torch.stack([as_float(episodes[e].frames[s - k:s]) for e, s in starts]).to(device)
    # The pose as the server tracks it: the start's, moved by the model's own pose head (cfg.face_map).
    pose = torch.from_numpy(np.stack([episodes[e].poses[s - 1] for e, s in starts]).astype(np.float32)).to(device)
    actions = torch.from_numpy(np.stack([explore_actions(rng, steps, action_names) for _ in range(rollouts)], 1))
    h, w = context.shape[-2:]
    memory, memory_pose = torch.zeros(rollouts, m, 3, h, w, device=device), torch.zeros(rollouts, m, 4, device=device)
    was_training = model.training
    model.eval()
    frames = []
    for step in range(steps):
        noise = torch.randn(rollouts, 3, h, w, generator=noise_rng).to(device)
        frame, step_pose = model(context, actions[step].to(device), memory, memory_pose, noise, pose)
        pose = moved(pose, step_pose)
        frame = (frame * 255).round() / 255  # what players see is 8-bit, and that is what comes back as context
        frames.append(frame.cpu())
        context = torch.cat([context[:, 1:], frame[:, None]], 1)
    model.train(was_training)
    return torch.stack(frames)
