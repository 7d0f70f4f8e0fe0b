#!/usr/bin/env python3
"""Does a checkpoint draw a paint, and only where one lands? For every paint in the shards, from true context with
memory empty (one draw each of three noises):
- **drawn**: of the first paints of a face, the share whose frame shows the mark by the eval's rule (`MarkDetector`:
  in each part of the mark's footprint, its frame and its fill, most pixels nearer the world's painted frame than
  its frame before and than the other part's colour, so a blob of the mark's colour is not drawn), for close walls (a
  footprint of at least 1,000 pixels) and far ones, and for close walls faced square on (`square`: as every paint of
  the eval, heading on a right angle); **recoloured**: the same for a paint from the pose of an earlier
  one, which turns the mark to the next colour;
- **false draws**: of the paints that reached no wall, the share whose frame differs from the same window's frame
  drawn as a noop, with the same noise, in over 300 pixels (the smallest mark drawn within reach covers ~100): a
  mark where the world changed nothing. Sampling alone redraws a frame in more than that (0.46 of noops, paint3), so
  the noise is held. Counted for the explorer's own misses and, with shards that carry `in_reach`, for noops out of
  reach relabelled as paints (the world's paint there changes nothing, exactly as its noop).
- **psnr_***: PSNR against the world's painted frame of the model's frame and (`unpainted_psnr_*`) of the frame
  before the paint, for first paints close, far and square on, and for recolours: a mark drawn too large or in the
  wrong place can pass the rule above, and scores near the unpainted frame here.
Prints one JSON line and writes a PNG of the first paints: last context frame, the world's frame, the model's.

    ./worldweb datagen --out /tmp/held --seeds 1001-1040 --steps 600    # held-out seeds: 118 paints that land, 14 that do not
    python3 training/paint_check.py CHECKPOINT OUT.png --shards /tmp/held [NAME=VALUE ...]   # model settings, e.g. uniform_reach=15
"""
import argparse
import json
import struct
import sys
import zlib
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from worldweb_training import checkpoint
from worldweb_training.config import play_settings, with_play_settings
from worldweb_training.data import ShardSet, WindowSampler, to_model_inputs
from worldweb_training.evaluation import psnr_db
from worldweb_training.model import WorldModel

FOOTPRINT_DIFFERENCE = 24  # as MarkDetector: a channel differs by more than this
PART_DIFFERENCE = 48  # as MarkDetector: pixels of one part of the mark differ by at most this per channel
SMALLEST_PART = 0.125  # as MarkDetector: smaller parts are not judged on their own
CLOSE_FOOTPRINT = 1000
FALSE_DRAW_PIXELS = 300
NOISES = 3


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


def psnr(a, b):
    """Mean PSNR (dB) of uint8 frames [N, H, W, 3] a against b, as evaluation.psnr_db."""
    return float(psnr_db(torch.from_numpy(a).float() / 255, torch.from_numpy(b).float() / 255).mean())


def differs(a, b):
    return (np.abs(a.astype(int) - b.astype(int)) > FOOTPRINT_DIFFERENCE).any(-1)


def mark_parts(painted, footprint):
    """MarkDetector.Parts for one row: the footprint's pixel indices grouped by painted colour (a pixel joins the first
    part whose first pixel is within PART_DIFFERENCE per channel), the parts of at least SMALLEST_PART of it."""
    pixels = np.flatnonzero(footprint)
    colours = painted.reshape(-1, 3).astype(int)[pixels]
    groups, left = [], np.ones(len(pixels), bool)
    while left.any():
        seed = colours[np.argmax(left)]
        member = left & (np.abs(colours - seed) <= PART_DIFFERENCE).all(-1)
        groups.append(pixels[member])
        left &= ~member
    large = [g for g in groups if len(g) >= SMALLEST_PART * len(pixels)]
    return large or ([pixels] if len(pixels) else [])


def shows_mark(generated, painted, before):
    """MarkDetector's rule per row: in every part of the mark (its frame, its fill), most pixels nearer their painted
    colour than the frame before and than the other parts' colours, so a blob of one colour is not the mark."""
    footprint = differs(painted, before)
    shown = []
    for g, p, b, f in zip(generated.reshape(len(generated), -1, 3).astype(int), painted, before, footprint):
        p, b = p.reshape(-1, 3).astype(int), b.reshape(-1, 3).astype(int)
        parts = mark_parts(p, f)
        least = 1.0
        for i, part in enumerate(parts):
            own = ((g[part] - p[part]) ** 2).sum(-1)
            nearest = own < ((g[part] - b[part]) ** 2).sum(-1)
            for j, other in enumerate(parts):
                if j != i:
                    nearest &= own < ((g[part] - p[other[0]]) ** 2).sum(-1)
            least = min(least, nearest.mean())
        shown.append(bool(parts) and least >= 0.5)
    return np.array(shown), footprint.sum((1, 2))


def draw(model, batch, noises):
    inputs = to_model_inputs(batch, "cpu")
    frames = []
    for seed in range(noises):
        torch.manual_seed(seed)
        with torch.no_grad():
            frame, _ = model(inputs["context"], inputs["action"], inputs["memory"], inputs["memory_pose"],
                             torch.randn(len(batch["target"]), 3, *batch["target"].shape[1:3]), inputs.get("view_pose"))
        frames.append((frame.clamp(0, 1) * 255 + 0.5).byte().permute(0, 2, 3, 1).numpy())
    return frames


def false_draws(model, batch, paint):
    """The share of draws as a paint that differ in over FALSE_DRAW_PIXELS pixels from the same draw as a noop."""
    as_paint, as_noop = dict(batch, action=np.full_like(batch["action"], paint)), dict(batch, action=np.zeros_like(batch["action"]))
    pairs = zip(draw(model, as_paint, NOISES), draw(model, as_noop, NOISES))
    return round(float(np.mean([differs(p, n).sum((1, 2)) > FALSE_DRAW_PIXELS for p, n in pairs])), 3)


def guide(model, paint, weight):
    """The model's patch logits at paint rows moved away from the same row's as a noop: noop + weight (paint − noop)."""
    unguided = model.token_logits

    def token_logits(conditioning, action, memory_prior=True):
        logits, mid = unguided(conditioning, action, memory_prior)
        as_noop, _ = unguided(conditioning, torch.zeros_like(action), memory_prior)
        rows = torch.isin(action, torch.tensor(paint))[:, None, None, None]
        return torch.where(rows, as_noop + weight * (logits - as_noop), logits), mid
    model.token_logits = token_logits


def windows(sampler, steps):
    rng = np.random.default_rng(0)
    rows = [sampler.window(rng, e, s, retrieval=False) for e, s in steps]
    batch = {k: np.stack([r[k] for r in rows]) for k in rows[0]}
    batch["memory_pose"][:] = 0  # memory empty: what the model draws by itself
    return batch


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("checkpoint")
    p.add_argument("out", help="PNG of the first paints")
    p.add_argument("--shards", default="data/shards", help="held-out shards (default: the last 12 episodes of data/shards)")
    p.add_argument("--paint-guidance", type=float, default=1.0, metavar="W",
                   help="at paint rows, logits = noop's + W (paint's − noop's): guidance on the action (model card, \"Paint\")")
    p.add_argument("settings", nargs="*", help="model settings of play, NAME=VALUE")
    args = p.parse_intermixed_args()
    saved = checkpoint.load(args.checkpoint)
    cfg = with_play_settings(saved["config"], args.settings)
    shards = ShardSet.load(args.shards)
    episodes = shards.episodes if args.shards != "data/shards" else shards.episodes[-12:]
    model = WorldModel(cfg.model, len(shards.actions))
    model.load_state_dict(saved["model"])
    model.eval()
    paint = [shards.actions.index(a) for a in shards.changes_world]
    if args.paint_guidance != 1.0:
        guide(model, paint, args.paint_guidance)
    sampler = WindowSampler(episodes, cfg.model, cfg.data, paint)
    k = cfg.model.context_frames
    landed = [(e, int(s)) for e, ep in enumerate(sampler.episodes) for s in np.flatnonzero(ep.changed) if s >= k]
    missed = [tuple(row) for row in sampler.missed]

    hits = windows(sampler, landed)
    before = hits["context"][:, -1]
    generated = draw(model, hits, NOISES)
    shown = np.array([shows_mark(g, hits["target"], before)[0] for g in generated])
    footprint = differs(hits["target"], before).sum((1, 2))
    # A paint from the pose of an earlier one recolours the face (the explorer comes back to paint again): another lesson.
    recolour = np.array([any(np.array_equal(sampler.episodes[e].poses[c], sampler.episodes[e].poses[s])
                             for c in np.flatnonzero(sampler.episodes[e].changed[:s])) for e, s in landed])
    close, far = (footprint >= CLOSE_FOOTPRINT) & ~recolour, (footprint < CLOSE_FOOTPRINT) & ~recolour
    # The eval paints facing a wall square on (EditPersistence.Spots); close up, such a wall fills the view and
    # shows little of how far it is, nor so where the mark lands.
    heading = np.array([sampler.episodes[e].poses[s - 1][2] for e, s in landed])
    square = close & (np.abs((heading + np.pi / 4) % (np.pi / 2) - np.pi / 4) < np.radians(1))
    share = lambda rows: round(float(shown[:, rows].mean()), 3)
    # PSNR against the world's painted frame, of the model's frame and of the frame before (unpainted): a mark drawn
    # too large or misplaced can pass the rule above, and scores near the unpainted frame here.
    db = lambda frames, rows: round(float(np.mean([psnr(f[rows], hits["target"][rows]) for f in frames])), 2)
    report = {"checkpoint": args.checkpoint, "step": saved.get("progress", {}).get("step"), "shards": args.shards,
              "settings": play_settings(args.settings), "paint_guidance": args.paint_guidance, "paints_landed": len(landed), "first_paints": int((~recolour).sum()),
              "drawn": share(~recolour), "drawn_close": share(close), "close": int(close.sum()),
              "drawn_far": share(far), "far": int(far.sum()),
              "drawn_square": share(square), "square": int(square.sum()),
              "recoloured": share(recolour), "recolours": int(recolour.sum()), "paints_missed": len(missed),
              "psnr_close": db(generated, close), "psnr_far": db(generated, far), "psnr_square": db(generated, square),
              "psnr_recoloured": db(generated, recolour),
              "unpainted_psnr_close": db([before], close), "unpainted_psnr_far": db([before], far),
              "unpainted_psnr_square": db([before], square), "unpainted_psnr_recoloured": db([before], recolour)}
    if missed:
        misses = windows(sampler, missed)
        report["false_draws"] = false_draws(model, misses, paint[0])
    out_of_reach = [tuple(row) for row in sampler.out_of_reach]
    if out_of_reach and paint:
        report["out_of_reach_noops"] = len(out_of_reach)
        report["false_draws_out_of_reach"] = false_draws(model, windows(sampler, out_of_reach), paint[0])
    print(json.dumps(report))
    out = []
    for i in range(min(8, len(landed))):
        out += [before[i], hits["target"][i], generated[0][i]]
    png(args.out, sheet(np.stack(out)))


if __name__ == "__main__":
    main()
