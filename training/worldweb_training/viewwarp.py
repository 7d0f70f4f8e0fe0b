"""A remembered view turned to another heading, as the pinhole camera of the reference world sees it.

A camera that only turns sees the same rays: the column at angle a (right of the heading is positive) of a view at
heading h shows what the column at angle a + h − h_m of a view at heading h_m shows, and a point on that ray
projects cos(a) / cos(a + h − h_m) as far from the horizon. So a memory taken from (nearly) the same place at
another heading can be brought into the target's frame exactly, pixel for pixel, where both views overlap. A move
would need depth, which the model does not have; memories a little off the place stay a little off.
Nearest-pixel sampling (a gather) keeps the world's own pixels, exports to ONNX and runs the same everywhere.
Only operators ONNX Runtime's CUDA provider has are used (it has no Tan or Atan): a node it lacks would run on the
CPU, with copies across the bus in the middle of every step, and would keep the step from being a CUDA graph.
"""
import math

import torch


def turn_views(frames, dheading, fov_degrees):
    """Views [B, N, C, H, W] taken at heading h_m, seen from heading h_m + dheading ([B, N] radians).

    Returns (warped views, mask [B, N, 1, H, W]: 1 where the target pixel was in the memory's view)."""
    b, n, c, h, w = frames.shape
    tan_half = math.tan(math.radians(fov_degrees) / 2)
    device, dtype = frames.device, frames.dtype
    # [W]: each target column's angle right of the heading, a constant of the frame size (exported as one)
    angle = torch.tensor([math.atan((2 * (x + 0.5) / int(w) - 1) * tan_half) for x in range(int(w))], device=device, dtype=dtype)
    source = angle[None, None, :] + dheading[..., None]  # [B, N, W]: that ray in the memory's view
    inside = (source.abs() < math.radians(fov_degrees) / 2).to(dtype)
    source = source.clamp(-1.5, 1.5)
    cos_source = torch.cos(source)
    column = ((torch.sin(source) / cos_source / tan_half + 1) * w / 2).floor().clamp(0, w - 1)  # tan, as sin / cos
    scale = torch.cos(angle)[None, None, :] / cos_source  # [B, N, W]
    rows = torch.arange(h, device=device, dtype=dtype) + 0.5 - h / 2  # [H]: from the horizon
    row = (h / 2 + rows[None, None, :, None] * scale[:, :, None, :]).floor()  # [B, N, H, W]
    inside = inside[:, :, None, :] * ((row >= 0) & (row <= h - 1)).to(dtype)
    index = (row.clamp(0, h - 1) * w + column[:, :, None, :]).long().flatten(2)  # [B, N, H*W]
    warped = torch.gather(frames.flatten(3), 3, index[:, :, None, :].expand(b, n, c, h * w))
    mask = inside[:, :, None]
    return warped.reshape(b, n, c, h, w) * mask, mask
