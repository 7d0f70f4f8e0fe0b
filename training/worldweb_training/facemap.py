"""Where a painted mark would lie in the view, worked out from the pose alone (cfg.face_map).

From a wall that fills the view the model cannot tell where on the face it stands, so it draws a paint as a blob
where the world has a framed mark (paint22: square-on close marks 16.4 dB against 20.1 oblique). The pose the server
tracks says it exactly, and the grid's geometry turns it into pixels: each column's ray (as the reference world's
raycaster casts it) crosses the grid's lines at known distances and places along them. For each of the first
FACE_CROSSINGS crossings, two channels say which pixels a mark on the face there would cover (its frame and fill) and
which its fill alone. The server does not know which lines are walls; the model sees that in its frames, and picks
the crossing whose wall it shows.
"""
import math

import torch

FACE_CROSSINGS = 4  # a ray crosses at most ~4 grid lines within a paint's reach (1.5 cells) on the diagonal
MARK = ((0.15, 0.85), (0.2, 0.8))  # (u, v) extent of a mark on its face: Textures.Mark in the reference world
FILL = ((0.25, 0.75), (0.3, 0.7))  # inside its white frame


def face_map(pose, height, width, fov_degrees, crossings=FACE_CROSSINGS):
    """[B, 2 · crossings, H, W] in {0, 1} from [B, 3] poses (x, y in cells, heading in radians; y grows south)."""
    x, y, heading = pose[:, 0:1], pose[:, 1:2], pose[:, 2:3]
    camera = (2 * (torch.arange(width, dtype=pose.dtype, device=pose.device) + 0.5) / width - 1)[None]
    plane = math.tan(math.radians(fov_degrees) / 2)
    ray_x = torch.cos(heading) - torch.sin(heading) * plane * camera  # [B, W], forward component 1 as the raycaster's
    ray_y = torch.sin(heading) + torch.cos(heading) * plane * camera
    k = torch.arange(crossings, dtype=pose.dtype, device=pose.device)
    distance_x, u_x = _crossings(x, ray_x, y, ray_y, k)
    distance_y, u_y = _crossings(y, ray_y, x, ray_x, k)
    distance, order = torch.cat([distance_x, distance_y], -1).sort(-1)
    u = torch.cat([u_x, u_y], -1).gather(-1, order)
    distance, u = (a[..., :crossings].transpose(1, 2)[:, :, None, :] for a in (distance, u))  # [B, N, 1, W]
    # A wall at distance d spans rows (H − H/d)/2 … (H + H/d)/2, so row r sits at v = 0.5 + d · ((r + 0.5)/H − 0.5).
    rows = ((torch.arange(height, dtype=pose.dtype, device=pose.device) + 0.5) / height - 0.5)[None, None, :, None]
    v = 0.5 + distance * rows
    return torch.cat([_inside(u, v, MARK), _inside(u, v, FILL)], 1)


def _crossings(along, ray, across, ray_across, k):
    """Distances ([B, W, N], in ray lengths) to the next N lines of one axis, and where on them the ray meets them."""
    offset = along - torch.floor(along)
    first = torch.where(ray > 0, 1 - offset, offset)  # to the first line ahead along this axis
    speed = ray.abs().clamp(min=1e-6)
    distance = (first[..., None] + k) / speed[..., None]
    place = across[..., None] + distance * ray_across[..., None]
    return distance, place - torch.floor(place)


def _inside(u, v, extent):
    (u0, u1), (v0, v1) = extent
    return ((u >= u0) & (u <= u1) & (v >= v0) & (v <= v1)).to(u.dtype)
