"""The training objectives: for the denoiser, x0 regression at sampled noise levels; for the token model,
cross-entropy over codebook patches; for both, the pose-delta regression, on context corrupted as in play."""
import torch
import torch.nn.functional as F

from .codebook import from_patches, quantize

CHANGED_LEVEL = 24 / 255  # as MarkDetector's FootprintDifference


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


def context_corruption(context, train_cfg):
    """(noise [B, K, 3, H, W] in [−1, 1] units or None, noise level [B]) for a batch of contexts."""
    t, b = train_cfg, len(context)
    level = torch.rand(b, device=context.device) * t.context_noise_max
    level[torch.rand(b, device=context.device) < t.context_noise_clean] = 0.0
    noise = level[:, None, None, None, None] * torch.randn_like(context) if t.context_noise_max > 0 else None
    return noise, level


def training_loss(model, inputs, train_cfg, changing_actions=None):
    """Returns (total loss, {name: detached loss}) for one batch from data.to_model_inputs; changing_actions: the
    indices of actions that change the world, whose rows weigh train_cfg.change_weight (token model)."""
    cfg = model.cfg
    if cfg.output == "tokens":
        return token_loss(model, inputs, train_cfg, changing_actions)
    target = inputs["target"] * 2 - 1
    t = noise_levels(len(target), cfg.sampler_times, train_cfg.sampler_time_fraction, target.device)
    x_t = (1 - t[:, None, None, None]) * target + t[:, None, None, None] * torch.randn_like(target)
    noise, level = context_corruption(inputs["context"], train_cfg)
    conditioning = model.condition(inputs["context"], inputs["memory"], inputs["memory_pose"], level, noise,
                                   inputs.get("view_pose"))
    x0, mid = model.denoise(conditioning, x_t, t, inputs["action"])
    frame_loss = F.mse_loss(x0, target)
    # The pose is read from the first sampler pass only, so it is trained only where the denoiser
    # saw what that pass sees: pure noise in place of frame s.
    first_pass = t == cfg.sampler_times[0]
    predicted = model.pose_delta(mid[first_pass], inputs["action"][first_pass])
    expected = inputs["pose_delta"][first_pass] * cfg.pose_scale
    pose_loss = F.mse_loss(predicted, expected) if first_pass.any() else frame_loss.new_zeros(())
    total = frame_loss + train_cfg.pose_weight * pose_loss
    return total, {"loss": total.detach(), "frame_loss": frame_loss.detach(), "pose_loss": pose_loss.detach()}


def stray_patches(frames, codebook, patch, max_rate):
    """[B, N, 3, H, W] frames rebuilt in codebook patches, a share U(0, max_rate) of each row's patches replaced by
    random codes: the stray patches that sampling leaves in play, which the model must not copy forward."""
    b, n, _, h, w = frames.shape
    codes, _ = quantize(frames.flatten(0, 1), codebook, patch)
    rate = torch.rand(b, 1, 1, device=frames.device) * max_rate
    stray = (torch.rand(b, n, codes.shape[-1], device=frames.device) < rate).flatten(0, 1)
    codes = torch.where(stray, torch.randint_like(codes, len(codebook)), codes)
    return from_patches(codebook[codes], patch, h, w).reshape(frames.shape)


def changed_patches(before, after, patch):
    """[B, (H/patch)·(W/patch)] bool: patches with a pixel whose channel differs by more than CHANGED_LEVEL between
    the frames [B, 3, H, W] in [0, 1] (the footprint of a mark, as the eval's MarkDetector finds it)."""
    changed = ((after - before).abs().amax(1, keepdim=True) > CHANGED_LEVEL).float()
    return F.max_pool2d(changed, patch).flatten(1) > 0


def token_loss(model, inputs, train_cfg, changing_actions=None):
    """The token model's objective: cross-entropy of the codebook patch nearest each patch of the target, and the pose."""
    cfg = model.cfg
    context, memory = inputs["context"], inputs["memory"]
    if train_cfg.stray_patches_max > 0:
        context = stray_patches(context, model.codebook, cfg.patch, train_cfg.stray_patches_max)
        memory = stray_patches(memory, model.codebook, cfg.patch, train_cfg.stray_patches_max)
    noise, level = context_corruption(context, train_cfg)
    conditioning = model.condition(context, memory, inputs["memory_pose"], level, noise, inputs.get("view_pose"))
    logits, mid = model.token_logits(conditioning, inputs["action"], memory_prior=False)
    codes, _ = quantize(inputs["target"], model.codebook, cfg.patch)
    # Losses in float32 whatever the precision of the products (train.precision): a bfloat16 log-softmax over
    # hundreds of codes keeps 3 significant digits.
    per_patch = F.cross_entropy(logits.flatten(2).float(), codes, reduction="none")
    if "patch_weight" in inputs:  # rows that teach only some patches (drift.DriftPool.onset_batch)
        weight = inputs["patch_weight"]
        per_row = (per_patch * weight).sum(1) / weight.sum(1).clamp_min(1)
    else:
        per_row = per_patch.mean(1)
    changes = torch.isin(inputs["action"], changing_actions) if changing_actions is not None else torch.zeros_like(per_row, dtype=torch.bool)
    if train_cfg.mark_weight != 1.0 and changes.any():
        marked = changed_patches(inputs["context"][:, -1], inputs["target"], cfg.patch) & changes[:, None]
        per_row = per_row + (train_cfg.mark_weight - 1) * (per_patch * marked).mean(1)
    weight = torch.where(changes, train_cfg.change_weight, 1.0)
    frame_loss = (per_row * weight).sum() / weight.sum()
    pose_loss = F.mse_loss(model.pose_delta(mid, inputs["action"]).float(), inputs["pose_delta"] * cfg.pose_scale)
    total = frame_loss + train_cfg.pose_weight * pose_loss
    return total, {"loss": total.detach(), "frame_loss": frame_loss.detach(), "pose_loss": pose_loss.detach()}
