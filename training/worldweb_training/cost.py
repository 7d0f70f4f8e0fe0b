"""Measured size and compute of a model: parameters, and FLOPs of one denoiser pass.

FLOPs count 2 per multiply-add of every convolution and linear layer, found with forward hooks on
a real pass; norms, activations and resampling are left out (they are a few percent).
"""
import torch
from torch import nn


def parameter_count(module) -> int:
    return sum(p.numel() for p in module.parameters())


def denoiser_flops(model, height, width) -> int:
    """FLOPs of one denoiser pass for one batch row (the exported graph runs len(sampler_times))."""
    flops = []

    def count(layer, inputs, output):
        if isinstance(layer, nn.Conv2d):
            per_output = layer.in_channels // layer.groups * layer.kernel_size[0] * layer.kernel_size[1]
        else:
            per_output = layer.in_features
        flops.append(2 * per_output * output.numel())

    hooks = [m.register_forward_hook(count) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))
             and not any(m is p for p in model.pose_head.modules())]
    k, m = model.cfg.context_frames, model.cfg.memory_slots
    try:
        with torch.no_grad():
            device = next(model.parameters()).device
            conditioning = model.condition(torch.zeros(1, k, 3, height, width, device=device),
                                           torch.zeros(1, m, 3, height, width, device=device),
                                           torch.zeros(1, m, 4, device=device))
            action = torch.zeros(1, dtype=torch.long, device=device)
            if model.cfg.output == "tokens":
                model.token_logits(conditioning, action)
            else:
                model.denoise(conditioning, torch.zeros(1, 3, height, width, device=device), torch.ones(1, device=device), action)
    finally:
        for hook in hooks:
            hook.remove()
    return sum(flops)
