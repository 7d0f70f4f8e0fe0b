"""Does a model drawn in passes (model.draft_passes) read its draft? Cross-entropy over the patches of each first
paint's mark (the patches it changed) that a random draft leaves hidden, with the draft and without it.

    python3 training/draft_gain.py CHECKPOINT --shards /tmp/held
"""
import argparse
import json

import numpy as np
import torch
import torch.nn.functional as F

import paint_check
from worldweb_training import checkpoint
from worldweb_training.codebook import quantize
from worldweb_training.config import config_from_dict
from worldweb_training.data import ShardSet, WindowSampler, to_model_inputs
from worldweb_training.model import WorldModel
from worldweb_training.objective import changed_patches


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("checkpoint")
    p.add_argument("--shards", default="/tmp/held")
    args = p.parse_args()
    saved = checkpoint.load(args.checkpoint)
    cfg = config_from_dict(saved["config"])
    shards = ShardSet.load(args.shards)
    model = WorldModel(cfg.model, len(shards.actions))
    model.load_state_dict(saved["model"])
    model.eval()
    paint = [shards.actions.index(a) for a in shards.changes_world]
    sampler = WindowSampler(shards.episodes, cfg.model, cfg.data, paint)
    landed = [(e, int(s)) for e, ep in enumerate(sampler.episodes) for s in np.flatnonzero(ep.changed) if s >= cfg.model.context_frames]
    x = to_model_inputs(paint_check.windows(sampler, landed), "cpu")
    n, (h, w), p_ = len(landed), x["target"].shape[-2:], cfg.model.patch
    torch.manual_seed(0)
    report = {"checkpoint": args.checkpoint, "step": saved["progress"]["step"], "paints": n}
    with torch.no_grad():
        conditioning = model.condition(x["context"], x["memory"], x["memory_pose"], torch.zeros(n))
        codes, _ = quantize(x["target"], model.codebook, p_)
        mark = changed_patches(x["context"][:, -1], x["target"], p_)
        alone, _ = model.token_logits(conditioning, x["action"], memory_prior=False)
        for share in (0.1, 0.3, 0.6):
            kept = torch.rand(codes.shape) < share
            draft = model.draft_image(codes.reshape(n, h // p_, w // p_), kept.reshape(n, h // p_, w // p_), h, w)
            drafted, _ = model.token_logits(conditioning, x["action"], memory_prior=False, draft=draft)
            weight = (~kept & mark).float()
            ce = lambda logits: round(float((F.cross_entropy(logits.flatten(2), codes, reduction="none") * weight).sum() / weight.sum()), 3)
            right = lambda logits: round(float(((logits.flatten(2).argmax(1) == codes).float() * weight).sum() / weight.sum()), 3)
            report[f"kept_{share}"] = {"mark_ce_draft": ce(drafted), "mark_ce_alone": ce(alone),
                                       "argmax_right_draft": right(drafted), "argmax_right_alone": right(alone)}
    print(json.dumps(report))


if __name__ == "__main__":
    main()
