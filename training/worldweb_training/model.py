"""The world model: a small residual U-Net denoiser, a pose head, and the unrolled flow sampler.

Frames are [0, 1] at the boundary and [−1, 1] inside. The denoiser predicts the clean next frame as
`base + residual`, where the base is the last context frame with, per pixel, a gated share of each
memory frame. Most of a 20 fps frame is the previous frame, and starting from that identity makes
training on a CPU budget converge quickly; the gates make "copy what memory shows here" one
sigmoid away, which is what a revisit needs once the model's own context has drifted.

In play the context is the model's own output, artefacts included. So in training the U-Net's view
of the context gets Gaussian noise of a level it is told (GameNGen's augmentation; objective.py), and
in play a small fixed level, drawn from the sampler's noise input so a world still replays exactly.

The shipped model is the token model (output = "tokens"): no base and no denoising, but for each 4×4
patch of the next frame a choice among a codebook of real patches (codebook.py), sampled from the
noise input. It can only paint with the maze's own patches, so free play cannot blur or drift into
colours the world does not have. With a memory prior, each memory is turned to the heading the pose
head predicts for the next frame (viewwarp.py), and the patch it shows is favoured wherever it covers
the patch, the more the nearer its place is to the player's: a place seen before comes back as it
was, instead of as the context suggests. The residual model's residual is predicted at full
resolution: a head that pixel-shuffles 32² features makes 2×2-periodic errors, which fed back frame
after frame grow into a coloured grid.
"""
import math

import torch
import torch.nn.functional as F
from torch import nn

from .codebook import from_patches, quantize
from .config import ModelConfig
from .facemap import FACE_CROSSINGS, face_map
from .viewwarp import turn_views

NOISE_LEVEL_FREQUENCIES = 8
POSE_FEATURES = 5  # forward, right, sin dθ, cos dθ, valid
GATE_BIAS = -3.0  # sigmoid(−3) ≈ 0.05: gates start nearly closed but not so far that they learn slowly
# Spatial shifts that turn the sampler's noise input into independent-looking noise for each context frame.
CONTEXT_NOISE_SHIFTS = ((17, 29), (41, 7), (5, 53), (31, 19), (23, 43), (11, 37))


class GroupNorm(nn.GroupNorm):
    """GroupNorm in float32 under bfloat16 autocast (train.precision), where torch 1.13 would run it on bfloat16
    input against float32 weights and fail. Float32 and float16 graphs trace exactly as nn.GroupNorm."""

    def forward(self, x):
        return super().forward(x.float() if x.dtype == torch.bfloat16 else x)


class ResBlock(nn.Module):
    """Pre-activation residual block whose second norm is modulated by the action/noise embedding."""

    def __init__(self, channels, embed_dim, groups):
        super().__init__()
        self.channels = channels
        self.norm1 = GroupNorm(groups, channels)
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)
        # FiLM after the norm (not before it), or the norm would undo most of the shift and scale.
        self.norm2 = GroupNorm(groups, channels, affine=False)
        self.film = nn.Linear(embed_dim, 2 * channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x, emb):
        h = self.conv1(F.silu(self.norm1(x)))
        film = self.film(emb)[:, :, None, None]
        # Constant slices, not chunk(): the exporter then keeps every shape static.
        scale, shift = film[:, :self.channels], film[:, self.channels:]
        return x + self.conv2(F.silu(self.norm2(h) * (1 + scale) + shift))


class Denoiser(nn.Module):
    """U-Net over 32² → 16² → 8² with a full-resolution head; returns the residual and memory-gate
    logits at 64², and the 8² features."""

    def __init__(self, condition_channels, pose_channels, cfg: ModelConfig):
        super().__init__()
        c1, c2, c3 = cfg.widths
        c0, e, g = cfg.head_channels, cfg.embed_dim, cfg.norm_groups
        # Pixel-unshuffle(2) followed by a 1×1 conv is exactly a 2×2 stride-2 conv. Being linear,
        # the stem splits into a part for what all passes of a frame share (computed once) and a part
        # for the noisy frame. Memory-pose features are constant over space: their share is a bias.
        self.stem_condition = nn.Conv2d(condition_channels, c1, 2, stride=2)
        self.stem_pose = nn.Linear(pose_channels, c1, bias=False)
        # Where a mark would lie on the faces ahead (facemap.py), zero at the start: a model given it draws as before
        # until training moves it.
        self.stem_face = nn.Conv2d(2 * FACE_CROSSINGS, c1, 2, stride=2, bias=False) if cfg.face_map else None
        if self.stem_face is not None:
            nn.init.zeros_(self.stem_face.weight)
        self.tokens = cfg.output == "tokens"
        # The token model sees no noisy frame: it chooses patches instead of denoising.
        self.stem_noisy = None if self.tokens else nn.Conv2d(3, c1, 2, stride=2, bias=False)
        self.enc32 = ResBlock(c1, e, g)
        self.down16 = nn.Conv2d(c1, c2, 3, stride=2, padding=1)
        self.enc16 = ResBlock(c2, e, g)
        self.down8 = nn.Conv2d(c2, c3, 3, stride=2, padding=1)
        self.mid = nn.ModuleList([ResBlock(c3, e, g) for _ in range(cfg.mid_blocks)])
        self.merge16 = nn.Conv2d(c3 + c2, c2, 1)
        self.dec16 = ResBlock(c2, e, g)
        self.merge32 = nn.Conv2d(c2 + c1, c1, 1)
        self.dec32 = ResBlock(c1, e, g)
        self.out_norm = GroupNorm(g, c1)
        if self.tokens:
            # One logit per codebook patch for each patch of the frame (stride patch/2 over the 32² features).
            self.token_head = nn.Conv2d(c1, cfg.codebook_size, cfg.patch // 2, stride=cfg.patch // 2)
            return
        # The 64² head: upsampled 32² features meet the last frame and the noisy frame at full
        # resolution, so every pixel of the residual has its own value, not one of a 2×2 block's four.
        self.head_up = nn.Conv2d(c1, c0, 1)
        self.head_condition = nn.Conv2d(3, c0, 3, padding=1)
        self.head_noisy = nn.Conv2d(3, c0, 3, padding=1, bias=False)
        self.head_mix = nn.Conv2d(c0, c0, 3, padding=1)
        self.out = nn.Conv2d(c0, 3 + cfg.memory_slots, 3, padding=1)
        # A zero residual and nearly closed gates at start: the untrained model predicts "the last frame again".
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)
        self.out.bias.data[3:] = GATE_BIAS

    def condition(self, images, pose_features, faces=None):
        stem = self.stem_condition(images) + self.stem_pose(pose_features)[:, :, None, None]
        return stem if faces is None else stem + self.stem_face(faces)

    def forward(self, condition, x_t, emb, last_frame=None):
        """(residual, gate logits, 8² features); the token model: (patch logits, 8² features)."""
        skip32 = self.enc32(condition if self.tokens else condition + self.stem_noisy(x_t), emb)
        skip16 = self.enc16(self.down16(skip32), emb)
        mid = self.down8(skip16)
        for block in self.mid:
            mid = block(mid, emb)
        h = self.dec16(self.merge16(torch.cat([_upsample(mid), skip16], 1)), emb)
        h = self.dec32(self.merge32(torch.cat([_upsample(h), skip32], 1)), emb)
        if self.tokens:
            return self.token_head(F.silu(self.out_norm(h))), mid
        h = self.head_up(_upsample(F.silu(self.out_norm(h)))) + self.head_condition(last_frame) + self.head_noisy(x_t)
        out = self.out(F.silu(self.head_mix(F.silu(h))))
        return out[:, :3], out[:, 3:], mid


def _upsample(x):
    return F.interpolate(x, scale_factor=2.0, mode="nearest")


def _level_features(level, frequencies):
    angles = level[:, None] * frequencies
    return torch.cat([angles.sin(), angles.cos()], -1)


def context_noise(noise, frames):
    """`frames` standard-normal fields [B, frames, 3, H, W] made from the sampler's noise by shifting it."""
    return torch.stack([torch.roll(noise, shifts=CONTEXT_NOISE_SHIFTS[k % len(CONTEXT_NOISE_SHIFTS)], dims=(2, 3))
                        for k in range(frames)], 1)


class WorldModel(nn.Module):
    """forward() is the exported graph: one generated frame, the whole sampler unrolled."""

    def __init__(self, cfg: ModelConfig, n_actions):
        super().__init__()
        self.cfg = cfg
        k, m = cfg.context_frames, cfg.memory_slots
        if k > len(CONTEXT_NOISE_SHIFTS):
            raise ValueError(f"at most {len(CONTEXT_NOISE_SHIFTS)} context frames")
        self.action_embed = nn.Embedding(n_actions, cfg.embed_dim)
        self.noise_level_embed = nn.Linear(2 * NOISE_LEVEL_FREQUENCIES, cfg.embed_dim)
        self.context_level_embed = nn.Linear(2 * NOISE_LEVEL_FREQUENCIES, cfg.embed_dim)
        self.register_buffer("frequencies", math.pi * 2.0 ** torch.arange(NOISE_LEVEL_FREQUENCIES))
        self.denoiser = Denoiser(3 * (k + m), POSE_FEATURES * m, cfg)
        self.pose_head = nn.Sequential(nn.Linear(cfg.widths[2] + cfg.embed_dim, cfg.pose_hidden), nn.SiLU(),
                                       nn.Linear(cfg.pose_hidden, 3))
        if cfg.output == "tokens":  # filled by k-means before training (codebook.py); saved with the weights
            self.register_buffer("codebook", torch.zeros(cfg.codebook_size, 3 * cfg.patch ** 2))

    def condition(self, context, memory, memory_pose, context_level=None, noise=None, view_pose=None):
        """What every denoiser pass of one frame shares: stem features, the last frame, the valid memories,
        and the embedding of the context's noise level ([B] or [1]; default: the level of play), plus, with
        cfg.face_map, the pose the last context frame was seen from ([B, 3]: x, y in cells, heading; None: unknown).

        `noise` ([B, K, 3, H, W], in [−1, 1] units) is seen by the U-Net only, never copied by the base, so it
        does not pile up in play.
        """
        if context_level is None:
            context_level = context.new_full((1,), self.cfg.context_noise_inference)
        if self.cfg.output == "tokens":  # it reads frames as it writes them: in codebook patches
            context, memory = self._quantized(context), self._quantized(memory)
        valid = memory_pose[..., 3:]
        # Empty slots become exact zeros, whatever the caller put in them.
        memory = (memory * 2 - 1) * valid[..., None, None]
        context = context * 2 - 1
        last_frame = context[:, -1]
        if noise is not None:
            context = context + noise
        # cat(unbind) rather than reshape: the exporter keeps static shapes through it.
        images = torch.cat(list(context.unbind(1)) + list(memory.unbind(1)), 1)
        dheading = memory_pose[..., 2:3]
        # tanh keeps far random memories (many cells away) from swamping the near range.
        pose = torch.cat([torch.tanh(memory_pose[..., :2] / 2), torch.sin(dheading), torch.cos(dheading), valid], -1)
        pose = torch.cat(list((pose * valid).unbind(1)), 1)
        level = self.context_level_embed(_level_features(context_level, self.frequencies))
        faces = None
        if self.cfg.face_map and view_pose is not None:
            faces = face_map(view_pose, *context.shape[-2:], self.cfg.fov_degrees).to(images.dtype)
        return self.denoiser.condition(images, pose, faces), last_frame, memory, valid, level, memory_pose

    def denoise(self, conditioning, x_t, t, action):
        """x0 prediction in [−1, 1] for noisy x_t at noise level t ([B] or [1]), plus the 8² features."""
        condition, last_frame, memory, valid, level, _ = conditioning
        emb = F.silu(self.action_embed(action) + self.noise_level_embed(_level_features(t, self.frequencies)) + level)
        residual, gate_logits, mid = self.denoiser(condition, x_t, emb, last_frame)
        base = last_frame
        for slot in range(self.cfg.memory_slots):  # an empty slot's gate is exactly shut
            gate = torch.sigmoid(gate_logits[:, slot:slot + 1]) * valid[:, slot, :, None, None]
            base = base + gate * (memory[:, slot] - last_frame)
        return base + residual, mid

    def token_logits(self, conditioning, action, memory_prior=True):
        """[B, codebook, H/patch, W/patch] logits of the next frame's patches, plus the 8² features. Training
        leaves the memory prior out: it is a rule of play, and the model should not learn to work around it."""
        condition, _, memory, valid, level, memory_pose = conditioning
        t = condition.new_ones(1)  # the token model's one pass sits where the diffusion model's first does
        emb = F.silu(self.action_embed(action) + self.noise_level_embed(_level_features(t, self.frequencies)) + level)
        logits, mid = self.denoiser(condition, None, emb)
        if memory_prior and self.cfg.memory_prior_gain > 0 and self.cfg.memory_slots:
            logits = logits + self._memory_prior(logits, mid, action, memory, valid, memory_pose)
        return logits, mid

    def _memory_prior(self, logits, mid, action, memory, valid, memory_pose):
        """What the memories add to the logits: each turned to the predicted heading, its patches found in the
        codebook again, and the patch it shows favoured by gain · exp(−(d / reach)²) where it covers the whole
        patch. A weight the model learned would learn that true context needs no memory (in training the context
        is always true); in play the context is the model's own, and the memory is what keeps the place."""
        p = self.cfg.patch
        step = self.pose_delta(mid, action).detach() / self.cfg.pose_scale  # where the next frame is seen from
        turn = step[:, 2]
        # A memory at relative heading dθ_m is seen from the next frame's heading turned by (turn − dθ_m).
        turned, inside = turn_views((memory + 1) / 2, turn[:, None] - memory_pose[..., 2], self.cfg.fov_degrees)
        b, m = memory.shape[:2]
        codes, _ = quantize(turned.flatten(0, 1), self.codebook, p)
        codes = codes.reshape(b, m, *logits.shape[-2:])
        covered = (F.avg_pool2d(inside.flatten(0, 1), p) > 0.999).to(logits.dtype).reshape(b, m, *logits.shape[-2:])
        distance2 = ((memory_pose[..., :2] - step[:, None, :2]) ** 2).sum(-1)  # from the next frame's place
        prior = self.cfg.memory_prior_gain * torch.exp(-distance2 / self.cfg.memory_prior_reach_cells ** 2)  # [B, M]
        ids = torch.arange(self.cfg.codebook_size, device=logits.device)[None, :, None, None]
        added = torch.zeros_like(logits)
        for slot in range(m):  # an empty slot adds nothing
            weight = prior[:, slot, None, None] * covered[:, slot] * valid[:, slot, :, None]
            added = added + weight[:, None] * (codes[:, slot, None] == ids).to(logits.dtype)
        return added

    def sample_tokens(self, logits, noise):
        """A patch index per position, drawn from softmax(logits / temperature) by inverse CDF with one uniform per
        position made from the noise input (so a world replays exactly); argmax at temperature 0."""
        logits = logits.permute(0, 2, 3, 1)  # codes last: ONNX Runtime's softmax and argmax run fastest there
        if self.cfg.temperature <= 0:
            return logits.argmax(-1)
        p, r = self.cfg.patch, self.cfg.uniform_reach
        z = noise[:, 0:1, ::p, ::p]
        if r > 0:  # the sum of the n standard normals around each position, over √n: standard normal again
            k = 2 * r + 1
            total = F.avg_pool2d(z, k, stride=1, padding=r, count_include_pad=True) * k * k
            count = F.avg_pool2d(torch.ones_like(z), k, stride=1, padding=r, count_include_pad=True) * k * k
            z = total / count.sqrt()
        uniform = 0.5 * (1 + torch.erf(z[:, 0] / math.sqrt(2)))
        cdf = torch.softmax(logits / self.cfg.temperature, -1).cumsum(-1)
        return (cdf < uniform[..., None]).sum(-1).clamp(max=self.cfg.codebook_size - 1)

    def render_tokens(self, codes, height, width):
        """Frames [B, 3, H, W] in [0, 1] from patch indices [B, H/patch, W/patch]."""
        return from_patches(self.codebook[codes.flatten(1)], self.cfg.patch, height, width)

    def _quantized(self, frames):
        """[B, N, 3, H, W] frames rebuilt from their nearest codebook patches."""
        b, n = frames.shape[:2]
        _, rebuilt = quantize(frames.flatten(0, 1), self.codebook, self.cfg.patch)
        return rebuilt.reshape(b, n, *frames.shape[2:])

    def pose_delta(self, mid, action):
        """Scaled (forward, right, dheading) of pose s relative to pose s−1; divide by pose_scale for cells/rad."""
        return self.pose_head(torch.cat([mid.mean((2, 3)), self.action_embed(action)], 1))

    def forward(self, context, action, memory, memory_pose, noise, view_pose=None):
        level = self.cfg.context_noise_inference
        context_noise_ = level * context_noise(noise, self.cfg.context_frames) if level > 0 else None
        conditioning = self.condition(context, memory, memory_pose, noise=context_noise_, view_pose=view_pose)
        if self.cfg.output == "tokens":
            logits, mid = self.token_logits(conditioning, action)
            frame = self.render_tokens(self.sample_tokens(logits, noise), *noise.shape[-2:])
            return frame, self.pose_delta(mid, action) / self.cfg.pose_scale
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
