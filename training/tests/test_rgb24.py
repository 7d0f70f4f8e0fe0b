import unittest

import numpy as np
import onnx
from onnx import TensorProto, helper

import fixtures  # noqa: F401  (puts the package on the path)
from worldweb_training.package import mismatches
from worldweb_training.rgb24 import SCALE, rgb24_inputs


def float_package():
    """frame = last context frame + first memory frame; the smallest graph with both frame inputs."""
    def value(name, elem, shape):
        return helper.make_tensor_value_info(name, elem, shape)

    frames = {"context": 2, "memory": 1}
    inputs = [value(role, TensorProto.FLOAT, ["batch", n, 3, 4, 5]) for role, n in frames.items()]
    nodes = [
        helper.make_node("Constant", [], ["last"], value=helper.make_tensor("last", TensorProto.INT64, [], [1])),
        helper.make_node("Constant", [], ["first"], value=helper.make_tensor("first", TensorProto.INT64, [], [0])),
        helper.make_node("Gather", ["context", "last"], ["c"], axis=1),
        helper.make_node("Gather", ["memory", "first"], ["m"], axis=1),
        helper.make_node("Add", ["c", "m"], ["frame"]),
    ]
    graph = helper.make_graph(nodes, "g", inputs, [value("frame", TensorProto.FLOAT, ["batch", 3, 4, 5])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    world = {"inputs": {role: {"name": role, "dtype": "float32", "shape": ["batch", n, 3, 4, 5]} for role, n in frames.items()},
             "outputs": {"frame": {"name": "frame", "dtype": "float32", "shape": ["batch", 3, 4, 5]}}}
    return model, world


class Rgb24InputsTest(unittest.TestCase):
    def test_frame_inputs_become_uint8_hwc_and_feed_the_old_consumers_divided_by_255(self):
        model, world = float_package()

        converted, world_after = rgb24_inputs(model, world)

        self.assertEqual(mismatches(world_after, converted.graph), [])
        self.assertEqual(world_after["inputs"]["context"], {"name": "context", "dtype": "uint8", "shape": ["batch", 2, 4, 5, 3]})
        self.assertEqual(world_after["inputs"]["memory"]["shape"], ["batch", 1, 4, 5, 3])
        gathers = [n for n in converted.graph.node if n.op_type == "Gather"]
        self.assertEqual([n.input[0] for n in gathers], ["context_chw", "memory_chw"])
        self.assertEqual([n.op_type for n in converted.graph.node[:3]], ["Transpose", "Cast", "Div"])
        scale = next(i for i in converted.graph.initializer if i.name == SCALE)
        self.assertEqual(onnx.numpy_helper.to_array(scale), np.float32(255))
        # the arguments are left as they were
        self.assertEqual(world["inputs"]["context"]["dtype"], "float32")
        self.assertEqual(model.graph.input[0].type.tensor_type.elem_type, TensorProto.FLOAT)

    def test_a_converted_package_is_not_converted_twice(self):
        converted, world = rgb24_inputs(*float_package())

        with self.assertRaisesRegex(ValueError, "already converted"):
            rgb24_inputs(converted, world)


if __name__ == "__main__":
    unittest.main()
