"""Relative pose, exactly as docs/model-format.md defines it.

Poses are (x, y, heading): x east, y south, heading looks along (cos θ, sin θ).
"""
import numpy as np


def wrap_angle(angle):
    """Wraps radians into (−π, π]."""
    angle = np.asarray(angle, dtype=np.float64)
    return angle - 2 * np.pi * np.ceil((angle - np.pi) / (2 * np.pi))


def relative_pose(p, q):
    """(forward, right, dheading) of pose q seen from pose p; both broadcast over [..., 3]."""
    p = np.asarray(p, dtype=np.float64)
    q = np.asarray(q, dtype=np.float64)
    dx, dy = q[..., 0] - p[..., 0], q[..., 1] - p[..., 1]
    cos_p, sin_p = np.cos(p[..., 2]), np.sin(p[..., 2])
    forward = dx * cos_p + dy * sin_p
    right = -dx * sin_p + dy * cos_p
    return np.stack([forward, right, wrap_angle(q[..., 2] - p[..., 2])], axis=-1).astype(np.float32)
