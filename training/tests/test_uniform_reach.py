import tempfile
import unittest
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

import fixtures  # noqa: F401  (puts the package on the path)
import uniform_reach
from worldweb_training.model import WorldModel


def draw(reach, logits, noise):
    cfg = SimpleNamespace(temperature=1.0, patch=4, uniform_reach=reach, codebook_size=640)
    return WorldModel.sample_tokens(SimpleNamespace(cfg=cfg), logits, noise)


def sampler_graph():
    """noise → Gather → Slice → Slice → Div(√2) → Erf, as the exporter writes a token model's sampler."""
    def const(name, *values):
        return numpy_helper.from_array(np.array(values, np.int64), name)
    inits = [numpy_helper.from_array(np.array(0, np.int64), "zero"), const("s0", 0), const("s1", 64), const("ax1", 1),
             const("st", 4), const("ax2", 2), numpy_helper.from_array(np.array(2 ** 0.5, np.float32), "root2")]
    nodes = [helper.make_node("Gather", ["noise", "zero"], ["g"], axis=1),
             helper.make_node("Slice", ["g", "s0", "s1", "ax1", "st"], ["rows"]),
             helper.make_node("Slice", ["rows", "s0", "s1", "ax2", "st"], ["z"]),
             helper.make_node("Div", ["z", "root2"], ["d"]), helper.make_node("Erf", ["d"], ["u"])]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("noise", TensorProto.FLOAT, ["batch", 3, 64, 64])],
                              [helper.make_tensor_value_info("u", TensorProto.FLOAT, ["batch", 16, 16])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


class UniformReachTest(unittest.TestCase):
    def test_a_frame_of_alike_patches_draws_one_patch_everywhere_with_a_reach_of_the_frame_and_mixed_ones_without(self):
        torch.manual_seed(0)
        logits = torch.zeros(1, 8, 16, 16)  # every position: 8 patches, equally likely
        noise = torch.randn(1, 3, 64, 64)
        self.assertEqual(draw(15, logits, noise).unique().numel(), 1)
        self.assertGreater(draw(0, logits, noise).unique().numel(), 4)

    def test_each_patch_keeps_its_own_distribution(self):
        logits = torch.log(torch.tensor([0.7, 0.2, 0.1]))[None, :, None, None].expand(400, 3, 16, 16)
        tokens = draw(2, logits, torch.randn(400, 3, 64, 64))
        shares = torch.bincount(tokens.flatten(), minlength=3).double() / tokens.numel()
        np.testing.assert_allclose(shares.numpy(), [0.7, 0.2, 0.1], atol=0.02)

    def test_the_graph_rewrite_computes_what_the_model_does(self):
        noise = torch.randn(2, 3, 64, 64)
        for reach in (1, 2, 15):
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / "model.onnx"
                onnx.save(sampler_graph(), str(path))
                self.assertTrue(uniform_reach.rewrite(path, reach))
                graph = onnx.load(str(path)).graph
            ops = [n.op_type for n in graph.node]
            self.assertEqual(ops[3:7], ["Unsqueeze", "AveragePool", "Mul", "Squeeze"])
            pool = next(n for n in graph.node if n.op_type == "AveragePool")
            factor = numpy_helper.to_array(next(i for i in graph.initializer if i.name == "uniform_reach/factor"))
            # The pool as ONNX defines it (zeros outside, divided by k² everywhere), then the factor.
            k = 2 * reach + 1
            self.assertEqual([a.ints for a in pool.attribute if a.name == "kernel_shape"][0], [k, k])
            z = noise[:, 0, ::4, ::4].numpy()
            padded = np.pad(z, ((0, 0), (reach, reach), (reach, reach)))
            mean = np.array([[padded[:, y:y + k, x:x + k].sum((1, 2)) / k ** 2 for x in range(16)] for y in range(16)])
            graph_z = mean.transpose(2, 0, 1) * factor[0]  # [batch, 16, 16]
            cfg = SimpleNamespace(temperature=1.0, patch=4, uniform_reach=reach, codebook_size=640)
            torch_z = torch.special.ndtri(uniform_of(cfg, noise)).numpy()
            np.testing.assert_allclose(graph_z, torch_z, atol=1e-4)


def uniform_of(cfg, noise):
    """The uniforms sample_tokens draws with: with two patches whose first has probability u, it picks the second
    exactly where the uniform is above u; bisecting u recovers each uniform."""
    low, high = torch.zeros(noise.shape[0], 16, 16), torch.ones(noise.shape[0], 16, 16)
    for _ in range(30):
        mid = (low + high) / 2
        logits = torch.stack([torch.log(mid), torch.log1p(-mid)], 1)
        second = WorldModel.sample_tokens(SimpleNamespace(cfg=cfg), logits, noise) == 1
        low, high = torch.where(second, mid, low), torch.where(second, high, mid)
    return (low + high) / 2


if __name__ == "__main__":
    unittest.main()
