#!/usr/bin/env python3
"""Does a checkpoint draw a paint? For the first two paints of each of the last 12 episodes of data/shards: the last
context frame, the world's frame after the paint, and the model's (one draw, memory empty), six to a row, as PNG.

    python3 training/paint_check.py CHECKPOINT OUT.png [NAME=VALUE ...]   # model settings of play, e.g. uniform_reach=2
"""
import struct
import sys
import zlib
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from worldweb_training import checkpoint
from worldweb_training.config import config_from_dict
from worldweb_training.data import ShardSet, WindowSampler, to_model_inputs
from worldweb_training.model import WorldModel


def png(path, img):
    h, w, _ = img.shape
    raw = b"".join(b"\x00" + img[y].tobytes() for y in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    Path(path).write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def sheet(frames, cols=6, scale=2):
    rows = (len(frames) + cols - 1) // cols
    h, w = frames.shape[1:3]
    out = np.full((rows * (h + 2), cols * (w + 2), 3), 255, np.uint8)
    for i, f in enumerate(frames):
        r, c = divmod(i, cols)
        out[r * (h + 2):r * (h + 2) + h, c * (w + 2):c * (w + 2) + w] = f
    return out.repeat(scale, 0).repeat(scale, 1)


saved = checkpoint.load(sys.argv[1])
overrides = {k: type(saved["config"]["model"].get(k, 0))(v) for k, v in (a.split("=", 1) for a in sys.argv[3:])}
cfg = config_from_dict(dict(saved["config"], model=dict(saved["config"]["model"], **overrides)))
sh = ShardSet.load('data/shards')
eps = sh.episodes[-12:]
model = WorldModel(cfg.model, len(sh.actions)); model.load_state_dict(saved["model"]); model.eval()
s = WindowSampler(eps, cfg.model, cfg.data)
rng = np.random.default_rng(0)
rows = []
for e, ep in enumerate(s.episodes):
    for c in np.flatnonzero(ep.changed)[:2]:
        if c >= 4: rows.append(s.window(rng, e, int(c), retrieval=False))
batch = {k: np.stack([r[k] for r in rows]) for k in rows[0]}
inp = to_model_inputs(batch, 'cpu')
torch.manual_seed(0)
with torch.no_grad():
    frame, _ = model(inp["context"], inp["action"], inp["memory"], inp["memory_pose"], torch.randn(len(rows), 3, 64, 64))
gen = (frame.clamp(0, 1) * 255 + 0.5).byte().permute(0, 2, 3, 1).numpy()
out = []
for i in range(min(8, len(rows))):
    out += [batch["context"][i][-1], batch["target"][i], gen[i]]
png(sys.argv[2], sheet(np.stack(out)))
print(len(rows), 'paint windows')
