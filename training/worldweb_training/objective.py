"""The training objective: x0 regression at sampled noise levels plus the pose-delta regression, on
corrupted context (noise of a told level, and the model's own recycled errors)."""
import torch
import torch.nn.functional as F

from .codebook import quantize


def noise_levels(batch_size, sampler_times, sampler_time_fraction, device):
    """Per-row t: a fixed share of rows at exactly the sampler's levels, the rest uniform in [0, 1].

    Only two levels are ever used at inference, so most capacity should go there; the uniform rows
    keep the denoiser sensible in between.
    """
    t = torch.rand(batch_size, device=device)
    exact = round(sampler_time_fraction * batch_size)
    levels = torch.tensor(sampler_times, device=device)
    t[:exact] = levels[torch.arange(exact, device=device) % len(levels)]
    return t


class ErrorBank:
    """The model's most recent frame errors (x0 at the sampler's last level minus the target), in [−1, 1] units."""

    def __init__(self, capacity):
        self.capacity, self.errors, self.next = capacity, None, 0

    def __len__(self):
        return 0 if self.errors is None else min(self.next, self.capacity)

    def add(self, errors):
        if self.errors is None:
            self.errors = errors.new_zeros((self.capacity,) + errors.shape[1:])
        for error in errors[:self.capacity]:
            self.errors[self.next % self.capacity] = error
            self.next += 1

    def state(self) -> dict:
        return {"errors": self.errors, "next": self.next}

    def restore(self, state):
        self.errors, self.next = state["errors"], state["next"]

    def sample(self, count):
        return self.errors[torch.randint(len(self), (count,), device=self.errors.device)]


def context_corruption(context, train_cfg, errors=None):
    """(noise, recycled errors, noise level [B]) for a batch of contexts; noise and errors are
    [B, K, 3, H, W] in [−1, 1] units, or None."""
    t, b = train_cfg, len(context)
    level = torch.rand(b, device=context.device) * t.context_noise_max
    level[torch.rand(b, device=context.device) < t.context_noise_clean] = 0.0
    noise = level[:, None, None, None, None] * torch.randn_like(context) if t.context_noise_max > 0 else None
    recycled = None
    if t.error_recycle > 0 and errors is not None and len(errors):
        rows = (torch.rand(b, device=context.device) < t.error_recycle).float()[:, None, None, None, None]
        scale = 0.5 + torch.rand(b, 1, 1, 1, 1, device=context.device) * (t.error_scale_max - 0.5)
        # One error for all K frames: an artefact in play persists from frame to frame.
        recycled = rows * scale * errors.sample(b)[:, None]
    return noise, recycled, level


def training_loss(model, inputs, train_cfg, errors=None, adversary=None):
    """Returns (total loss, {name: detached loss}, rows for the adversary) for one batch from
    data.to_model_inputs; the rows are (last true frame, target, generated frame) at the sampler's last
    level, or None without an adversary.

    With an ErrorBank, the rows at the sampler's last level leave their errors in it.
    """
    cfg = model.cfg
    if cfg.output == "tokens":
        return token_loss(model, inputs, train_cfg)
    target = inputs["target"] * 2 - 1
    t = noise_levels(len(target), cfg.sampler_times, train_cfg.sampler_time_fraction, target.device)
    x_t = (1 - t[:, None, None, None]) * target + t[:, None, None, None] * torch.randn_like(target)
    noise, recycled, level = context_corruption(inputs["context"], train_cfg, errors)
    conditioning = model.condition(inputs["context"], inputs["memory"], inputs["memory_pose"], level, noise, recycled)
    x0, mid = model.denoise(conditioning, x_t, t, inputs["action"])
    # L1 estimates the median frame, MSE the mean: where an edge's position is uncertain, the mean is a ramp that
    # blurs a little more every step of play, the median a sharp edge at the likeliest place.
    frame_loss = F.l1_loss(x0, target) if train_cfg.frame_loss == "l1" else F.mse_loss(x0, target)
    last = t == cfg.sampler_times[-1]
    if errors is not None and last.any():
        errors.add((x0[last].detach().clamp(-1, 1) - target[last]))
    adversarial, judged = frame_loss.new_zeros(()), None
    if adversary is not None and last.any():
        judged = (inputs["context"][last, -1] * 2 - 1, target[last], x0[last].clamp(-1, 1))
        adversarial = adversary.generator_loss(judged[0], judged[2])
    # The pose is read from the first sampler pass only, so it is trained only where the denoiser
    # saw what that pass sees: pure noise in place of frame s.
    first_pass = t == cfg.sampler_times[0]
    predicted = model.pose_delta(mid[first_pass], inputs["action"][first_pass])
    expected = inputs["pose_delta"][first_pass] * cfg.pose_scale
    pose_loss = F.mse_loss(predicted, expected) if first_pass.any() else frame_loss.new_zeros(())
    total = frame_loss + train_cfg.pose_weight * pose_loss + adversarial
    parts = {"loss": total.detach(), "frame_loss": frame_loss.detach(), "pose_loss": pose_loss.detach()}
    if adversary is not None:
        parts["adversarial"] = adversarial.detach()
    return total, parts, judged


def token_loss(model, inputs, train_cfg):
    """The token model's objective: cross-entropy of the codebook patch nearest each patch of the target, and the pose."""
    cfg = model.cfg
    noise, _, level = context_corruption(inputs["context"], train_cfg)
    conditioning = model.condition(inputs["context"], inputs["memory"], inputs["memory_pose"], level, noise)
    logits, mid = model.token_logits(conditioning, inputs["action"])
    codes, _ = quantize(inputs["target"], model.codebook, cfg.patch)
    frame_loss = F.cross_entropy(logits.flatten(2), codes)
    pose_loss = F.mse_loss(model.pose_delta(mid, inputs["action"]), inputs["pose_delta"] * cfg.pose_scale)
    total = frame_loss + train_cfg.pose_weight * pose_loss
    return total, {"loss": total.detach(), "frame_loss": frame_loss.detach(), "pose_loss": pose_loss.detach()}, None
