"""The training objective: x0 regression at sampled noise levels plus the pose-delta regression."""
import torch
import torch.nn.functional as F


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


def training_loss(model, inputs, train_cfg):
    """Returns (total loss, {name: detached loss}) for one batch from data.to_model_inputs."""
    cfg = model.cfg
    target = inputs["target"] * 2 - 1
    t = noise_levels(len(target), cfg.sampler_times, train_cfg.sampler_time_fraction, target.device)
    x_t = (1 - t[:, None, None, None]) * target + t[:, None, None, None] * torch.randn_like(target)
    conditioning = model.condition(inputs["context"], inputs["memory"], inputs["memory_pose"])
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
