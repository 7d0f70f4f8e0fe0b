import dataclasses
import unittest

import torch

from fixtures import TINY_CONFIG
from test_model import ACTIONS, inputs
from worldweb_training.config import load_config
from worldweb_training.model import WorldModel
from worldweb_training.widen import widen_checkpoint


def trained_checkpoint():
    """A tiny token model with every weight, norm affines included, moved off its initialisation, and AdamW's
    moments from a few steps."""
    torch.manual_seed(0)
    cfg = load_config(TINY_CONFIG)
    model = WorldModel(cfg.model, ACTIONS)
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.3)
        model.codebook.uniform_()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    for step in range(3):
        context, action, memory, memory_pose, _ = inputs(4, seed=step)
        logits, mid = model.token_logits(model.condition(context, memory, memory_pose), action)
        loss = logits.logsumexp(1).mean() + model.pose_delta(mid, action).square().mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "config": dataclasses.asdict(cfg)}, cfg, model


class WidenTest(unittest.TestCase):
    def setUp(self):
        self.saved, self.cfg, self.narrow = trained_checkpoint()
        self.wide_saved = widen_checkpoint(self.saved)
        self.wide = WorldModel(dataclasses.replace(self.cfg.model, widths=tuple(self.wide_saved["config"]["model"]["widths"])), ACTIONS)
        self.wide.load_state_dict(self.wide_saved["model"])

    def test_twice_the_channels_compute_the_same_logits_and_pose(self):
        self.assertEqual(self.wide_saved["config"]["model"]["widths"], [2 * w for w in self.cfg.model.widths])
        context, action, memory, memory_pose, _ = inputs(3, seed=9)
        with torch.no_grad():
            results = [m.token_logits(m.condition(context, memory, memory_pose), action) for m in (self.narrow, self.wide)]
            (narrow_logits, narrow_mid), (wide_logits, wide_mid) = results
            torch.testing.assert_close(wide_logits, narrow_logits, rtol=1e-4, atol=1e-4)
            torch.testing.assert_close(self.wide.pose_delta(wide_mid, action), self.narrow.pose_delta(narrow_mid, action),
                                       rtol=1e-4, atol=1e-4)
        self.assertGreater(sum(p.numel() for p in self.wide.parameters()), 3 * sum(p.numel() for p in self.narrow.parameters()))

    def test_the_copies_can_part_and_the_moments_fit_the_wide_model(self):
        # A read weight is split unevenly between a channel's two copies, so their gradients differ.
        conv = self.wide_saved["model"]["denoiser.enc32.conv1.weight"]
        self.assertFalse(torch.equal(conv[:, 0], conv[:, 1]))
        optimizer = torch.optim.AdamW(self.wide.parameters(), lr=1e-3)
        optimizer.load_state_dict(self.wide_saved["optimizer"])
        for p in self.wide.parameters():
            self.assertEqual(optimizer.state[p]["exp_avg"].shape, p.shape)
            self.assertTrue(bool((optimizer.state[p]["exp_avg_sq"] >= 0).all()))
        context, action, memory, memory_pose, _ = inputs(2, seed=5)
        logits, _ = self.wide.token_logits(self.wide.condition(context, memory, memory_pose), action)
        logits.logsumexp(1).mean().backward()
        optimizer.step()  # a continuation steps from here (train.py --init-from … --keep-optimizer)


if __name__ == "__main__":
    unittest.main()
