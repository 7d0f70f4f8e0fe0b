import unittest

from onnx import TensorProto

import fixtures  # noqa: F401  (puts the package on the path)
from test_rgb24 import float_package
from worldweb_training.context_pool import context_pool_graph
from worldweb_training.rgb24 import rgb24_inputs


class ContextPoolGraphTest(unittest.TestCase):
    # Whether it steps what the plain graph steps, bit for bit, is WorldWeb.Tests' ContextPoolTests: it needs ONNX Runtime.
    def test_the_pool_replaces_the_context_input_and_comes_back_as_an_output(self):
        model, world = rgb24_inputs(*float_package())

        pool = context_pool_graph(model, world)

        def signature(values):
            return [(v.name, v.type.tensor_type.elem_type, [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim])
                    for v in values]
        self.assertEqual(signature(pool.graph.input), [
            ("pool", TensorProto.UINT8, ["slots", 2, 4, 5, 3]),
            ("pool_rows", TensorProto.INT64, ["batch"]),
            ("upload_rows", TensorProto.INT64, ["uploads"]),
            ("uploads", TensorProto.UINT8, ["uploads", 2, 4, 5, 3]),
            ("memory", TensorProto.UINT8, ["batch", 1, 4, 5, 3]),
        ])
        self.assertEqual([v.name for v in pool.graph.output], ["frame", "pool_out"])
        self.assertEqual(next(n for n in pool.graph.node if n.output[0] == "context").op_type, "Gather")
        self.assertEqual([i.name for i in model.graph.input], ["context", "memory"])  # the argument is left as it was

    def test_a_package_with_float_frames_is_refused(self):
        with self.assertRaisesRegex(ValueError, "rgb24.py"):
            context_pool_graph(*float_package())


if __name__ == "__main__":
    unittest.main()
