"""The world model: a small residual U-Net denoiser, a pose head, and the unrolled flow sampler.

Frames are [0, 1] at the boundary and [−1, 1] inside. The denoiser predicts the clean next frame as
`base + residual`, where the base is the last context frame with, per pixel, a gated share of each
memory frame. Most of a 20 fps frame is the previous frame, and starting from that identity makes
training on a CPU budget converge quickly; the gates make "copy what memory shows here" one
sigmoid away, which is what a revisit needs once the model's own context has drifted.
"""
import math

import torch
import torch.nn.functional as F
from torch import nn

from .config import ModelConfig

NOISE_LEVEL_FREQUENCIES = 8
POSE_FEATURES = 5  # forward, right, sin dθ, cos dθ, valid
GATE_BIAS = -3.0  # sigmoid(−3) ≈ 0.05: gates start nearly closed but not so far that they learn slowly


class ResBlock(nn.Module):
    """Pre-activation residual block whose second norm is modulated by the action/noise embedding."""

    def __init__(self, channels, embed_dim, groups):
        super().__init__()
        self.channels = channels
        self.norm1 = nn.GroupNorm(groups, channels)
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)
        # FiLM after the norm (not before it), or the norm would undo most of the shift and scale.
        self.norm2 = nn.GroupNorm(groups, channels, affine=False)
        self.film = nn.Linear(embed_dim, 2 * channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x, emb):
        h = self.conv1(F.silu(self.norm1(x)))
        film = self.film(emb)[:, :, None, None]
        # Constant slices, not chunk(): the exporter then keeps every shape static.
        scale, shift = film[:, :self.channels], film[:, self.channels:]
        return x + self.conv2(F.silu(self.norm2(h) * (1 + scale) + shift))


class Denoiser(nn.Module):
    """U-Net over 32² → 16² → 8²; returns the residual and memory-gate logits at 64², and the 8² features."""

    def __init__(self, condition_channels, pose_channels, cfg: ModelConfig):
        super().__init__()
        c1, c2, c3 = cfg.widths
        e, g = cfg.embed_dim, cfg.norm_groups
        # Pixel-unshuffle(2) followed by a 1×1 conv is exactly a 2×2 stride-2 conv. Being linear,
        # the stem splits into a part for what all passes of a frame share (computed once) and a part
        # for the noisy frame. Memory-pose features are constant over space: their share is a bias.
        self.stem_condition = nn.Conv2d(condition_channels, c1, 2, stride=2)
        self.stem_pose = nn.Linear(pose_channels, c1, bias=False)
        self.stem_noisy = nn.Conv2d(3, c1, 2, stride=2, bias=False)
        self.enc32 = ResBlock(c1, e, g)
        self.down16 = nn.Conv2d(c1, c2, 3, stride=2, padding=1)
        self.enc16 = ResBlock(c2, e, g)
        self.down8 = nn.Conv2d(c2, c3, 3, stride=2, padding=1)
        self.mid = nn.ModuleList([ResBlock(c3, e, g), ResBlock(c3, e, g)])
        self.merge16 = nn.Conv2d(c3 + c2, c2, 1)
        self.dec16 = ResBlock(c2, e, g)
        self.merge32 = nn.Conv2d(c2 + c1, c1, 1)
        self.dec32 = ResBlock(c1, e, g)
        self.out_norm = nn.GroupNorm(g, c1)
        # (3 colours + one gate per memory slot) × 2×2, pixel-shuffled back to 64².
        self.out = nn.Conv2d(c1, 4 * (3 + cfg.memory_slots), 1)
        # A zero residual and nearly closed gates at start: the untrained model predicts "the last frame again".
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)
        self.out.bias.data[12:] = GATE_BIAS

    def condition(self, images, pose_features):
        return self.stem_condition(images) + self.stem_pose(pose_features)[:, :, None, None]

    def forward(self, condition, x_t, emb):
        skip32 = self.enc32(condition + self.stem_noisy(x_t), emb)
        skip16 = self.enc16(self.down16(skip32), emb)
        mid = self.down8(skip16)
        for block in self.mid:
            mid = block(mid, emb)
        h = self.dec16(self.merge16(torch.cat([_upsample(mid), skip16], 1)), emb)
        h = self.dec32(self.merge32(torch.cat([_upsample(h), skip32], 1)), emb)
        out = F.pixel_shuffle(self.out(F.silu(self.out_norm(h))), 2)
        return out[:, :3], out[:, 3:], mid


def _upsample(x):
    return F.interpolate(x, scale_factor=2.0, mode="nearest")


class WorldModel(nn.Module):
    """forward() is the exported graph: one generated frame, the whole sampler unrolled."""

    def __init__(self, cfg: ModelConfig, n_actions):
        super().__init__()
        self.cfg = cfg
        k, m = cfg.context_frames, cfg.memory_slots
        self.action_embed = nn.Embedding(n_actions, cfg.embed_dim)
        self.noise_level_embed = nn.Linear(2 * NOISE_LEVEL_FREQUENCIES, cfg.embed_dim)
        self.register_buffer("frequencies", math.pi * 2.0 ** torch.arange(NOISE_LEVEL_FREQUENCIES))
        self.denoiser = Denoiser(3 * (k + m), POSE_FEATURES * m, cfg)
        self.pose_head = nn.Sequential(nn.Linear(cfg.widths[2] + cfg.embed_dim, cfg.pose_hidden), nn.SiLU(),
                                       nn.Linear(cfg.pose_hidden, 3))

    def condition(self, context, memory, memory_pose):
        """What every denoiser pass of one frame shares: stem features, the last frame, the valid memories."""
        valid = memory_pose[..., 3:]
        # Empty slots become exact zeros, whatever the caller put in them.
        memory = (memory * 2 - 1) * valid[..., None, None]
        # cat(unbind) rather than reshape: the exporter keeps static shapes through it.
        images = torch.cat(list((context * 2 - 1).unbind(1)) + list(memory.unbind(1)), 1)
        dheading = memory_pose[..., 2:3]
        # tanh keeps far random memories (many cells away) from swamping the near range.
        pose = torch.cat([torch.tanh(memory_pose[..., :2] / 2), torch.sin(dheading), torch.cos(dheading), valid], -1)
        pose = torch.cat(list((pose * valid).unbind(1)), 1)
        return self.denoiser.condition(images, pose), context[:, -1] * 2 - 1, memory, valid

    def denoise(self, conditioning, x_t, t, action):
        """x0 prediction in [−1, 1] for noisy x_t at noise level t ([B] or [1]), plus the 8² features."""
        condition, last_frame, memory, valid = conditioning
        angles = t[:, None] * self.frequencies
        emb = F.silu(self.action_embed(action) + self.noise_level_embed(torch.cat([angles.sin(), angles.cos()], -1)))
        residual, gate_logits, mid = self.denoiser(condition, x_t, emb)
        base = last_frame
        for slot in range(self.cfg.memory_slots):  # an empty slot's gate is exactly shut
            gate = torch.sigmoid(gate_logits[:, slot:slot + 1]) * valid[:, slot, :, None, None]
            base = base + gate * (memory[:, slot] - last_frame)
        return base + residual, mid

    def pose_delta(self, mid, action):
        """Scaled (forward, right, dheading) of pose s relative to pose s−1; divide by pose_scale for cells/rad."""
        return self.pose_head(torch.cat([mid.mean((2, 3)), self.action_embed(action)], 1))

    def forward(self, context, action, memory, memory_pose, noise):
        conditioning = self.condition(context, memory, memory_pose)
        times = list(self.cfg.sampler_times) + [0.0]
        x, pose = noise, None
        for t, t_next in zip(times[:-1], times[1:]):
            x0, mid = self.denoise(conditioning, x, noise.new_full((1,), t), action)
            x0 = x0.clamp(-1, 1)
            if pose is None:  # the first pass sees only noise for frame s, as in training
                pose = self.pose_delta(mid, action) / self.cfg.pose_scale
            epsilon = (x - (1 - t) * x0) / t
            x = (1 - t_next) * x0 + t_next * epsilon
        return ((x + 1) / 2).clamp(0, 1), pose
