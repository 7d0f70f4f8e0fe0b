import dataclasses
import unittest

import torch

from fixtures import TINY_CONFIG
from test_model import ACTIONS, inputs
from worldweb_training.config import config_from_dict, load_config
from worldweb_training.model import WorldModel
from worldweb_training.objective import training_loss


def batch(size, seed=0):
    context, action, memory, memory_pose, target = inputs(size, seed)
    return {"context": context, "action": action, "memory": memory, "memory_pose": memory_pose,
            "target": target.clamp(0, 1), "pose_delta": torch.randn(size, 3, generator=torch.Generator().manual_seed(seed))}


class BFloat16TrainingTest(unittest.TestCase):
    """train.precision "bfloat16": the same loss and gradients as float32 to bfloat16's precision, weights kept float32."""

    def setUp(self):
        torch.manual_seed(0)
        self.cfg = load_config(TINY_CONFIG)
        self.model = WorldModel(self.cfg.model, ACTIONS)
        with torch.no_grad():
            self.model.codebook.uniform_()

    def loss_and_grads(self, bf16):
        self.model.zero_grad()
        torch.manual_seed(1)  # the same context noise both times
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            loss, _ = training_loss(self.model, batch(4), self.cfg.train)
        loss.backward()
        return loss, torch.cat([p.grad.flatten() for p in self.model.parameters() if p.grad is not None])

    def test_a_bfloat16_step_computes_the_float32_loss_and_gradients_to_its_precision(self):
        loss32, grads32 = self.loss_and_grads(bf16=False)
        loss16, grads16 = self.loss_and_grads(bf16=True)
        self.assertEqual(loss16.dtype, torch.float32)
        self.assertAlmostEqual(loss16.item(), loss32.item(), delta=0.01 * loss32.item())
        # Gradients agree in direction (0.976 here): bfloat16 keeps ~3 significant digits per product.
        self.assertGreater(torch.nn.functional.cosine_similarity(grads16, grads32, dim=0).item(), 0.95)
        self.assertTrue(all(p.dtype == torch.float32 for p in self.model.parameters()))

    def test_an_unknown_precision_is_refused_with_the_choices(self):
        values = dataclasses.asdict(self.cfg)
        values["train"]["precision"] = "float16"
        with self.assertRaisesRegex(ValueError, "float32, bfloat16"):
            config_from_dict(values)


if __name__ == "__main__":
    unittest.main()
