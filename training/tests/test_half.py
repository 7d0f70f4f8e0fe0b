import unittest

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import fixtures  # noqa: F401  (puts the package on the path)
from worldweb_training.half import half_matmuls


def conv_graph():
    """y = sigmoid(conv(x, w) + 1): one heavy operator between float32 ones."""
    w = numpy_helper.from_array(np.full((2, 3, 1, 1), 1 / 3, dtype=np.float32), "w")
    one = numpy_helper.from_array(np.array(1, dtype=np.float32), "one")
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"]), helper.make_node("Add", ["c", "one"], ["a"]),
             helper.make_node("Sigmoid", ["a"], ["y"])]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3, 4, 4])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 2, 4, 4])], [w, one])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


class HalfTest(unittest.TestCase):
    def test_only_the_convolution_runs_in_float16_and_the_graphs_inputs_and_outputs_keep_their_types(self):
        half = half_matmuls(conv_graph())

        conv = next(n for n in half.graph.node if n.op_type == "Conv")
        weights = {i.name: i for i in half.graph.initializer}
        self.assertEqual(weights[conv.input[1]].data_type, TensorProto.FLOAT16)  # stored as float16, no Cast at run time
        self.assertEqual(weights["one"].data_type, TensorProto.FLOAT)
        self.assertEqual([(n.op_type, dict((a.name, a.i) for a in n.attribute).get("to")) for n in half.graph.node],
                         [("Cast", TensorProto.FLOAT16), ("Conv", None), ("Cast", TensorProto.FLOAT), ("Add", None), ("Sigmoid", None)])
        self.assertEqual([v.type.tensor_type.elem_type for v in [*half.graph.input, *half.graph.output]], [TensorProto.FLOAT] * 2)


if __name__ == "__main__":
    unittest.main()
