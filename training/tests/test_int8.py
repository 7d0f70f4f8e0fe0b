import unittest

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

import fixtures  # noqa: F401  (puts the package on the path)
from worldweb_training.codebook import quantize
from worldweb_training.int8 import activation_scale, int8_quantize, quantized_graph, snapped_frames_graph

CODES = 64


def run(model, feeds):
    """A numpy evaluator for the few operators of the sampler's draw and the memory prior (no ONNX Runtime here)."""
    values = dict(feeds)
    values.update({i.name: numpy_helper.to_array(i) for i in model.graph.initializer})

    def axis(node, default=0):
        return next((a.i for a in node.attribute if a.name == "axis"), default)

    for node in model.graph.node:
        x = [values[name] if name else None for name in node.input]
        op = node.op_type
        if op == "Constant":
            y = numpy_helper.to_array(node.attribute[0].t)
        elif op in ("Add", "Sub", "Mul", "Less", "Equal", "Min"):
            y = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Less": np.less, "Equal": np.equal,
                 "Min": np.minimum}[op](x[0], x[1])
        elif op == "Cast":
            y = x[0].astype({TensorProto.FLOAT: np.float32, TensorProto.INT64: np.int64}[node.attribute[0].i])
        elif op == "Softmax":
            e = np.exp(x[0] - x[0].max(-1, keepdims=True))
            y = e / e.sum(-1, keepdims=True)
        elif op == "CumSum":
            y = np.cumsum(x[0], axis=int(x[1]), dtype=x[0].dtype)
        elif op == "ReduceSum":
            keep = next((a.i for a in node.attribute if a.name == "keepdims"), 1)
            y = x[0].sum(axis=tuple(x[1]), keepdims=bool(keep), dtype=x[0].dtype)
        elif op == "Reshape":
            shape = [x[0].shape[i] if d == 0 else d for i, d in enumerate(x[1])]
            y = x[0].reshape(shape)
        elif op == "ReduceMax":
            y = x[0].max(axis=tuple(next(a.ints for a in node.attribute if a.name == "axes")),
                         keepdims=bool(next((a.i for a in node.attribute if a.name == "keepdims"), 1)))
        elif op == "ArgMax":
            y = x[0].argmax(axis(node))  # numpy: the first index of the largest, as ONNX's default
            if next((a.i for a in node.attribute if a.name == "keepdims"), 1):
                y = np.expand_dims(y, axis(node))
        elif op == "Shape":
            y = np.array(x[0].shape, np.int64)
        elif op == "Slice":
            y = x[0][int(x[1][0]):int(x[2][0])]
        elif op == "Transpose":
            y = x[0].transpose(list(node.attribute[0].ints))
        elif op == "Unsqueeze":
            y = np.expand_dims(x[0], tuple(x[1]))
        elif op == "Squeeze":
            y = np.squeeze(x[0], tuple(x[1]))
        elif op == "Expand":
            y = x[0] * np.ones(x[1], x[0].dtype)
        elif op == "GatherElements":
            y = np.take_along_axis(x[0], x[1], axis(node))
        elif op == "ConstantOfShape":
            y = np.zeros(x[0], numpy_helper.to_array(node.attribute[0].t).dtype)
        elif op == "ScatterElements":
            y = x[0].copy()
            np.add.at(y, tuple(np.indices(x[1].shape)[:1]) + (x[1],) + tuple(np.indices(x[1].shape)[2:]), x[2])
        else:
            raise NotImplementedError(op)
        values[node.output[0]] = y
    return [values[o.name] for o in model.graph.output]


def _from(model, name):
    """A copy of the graph keeping only the nodes that `name` feeds, directly or not (the rest needs no evaluator)."""
    copy = onnx.ModelProto()
    copy.CopyFrom(model)
    fed, kept = {name}, []
    for node in copy.graph.node:
        if node.op_type == "Constant" or any(i in fed for i in node.input):
            kept.append(node)
            fed.update(node.output)
    del copy.graph.node[:]
    copy.graph.node.extend(kept)
    return copy


def sampler_graph():
    """The exported model's sampler and memory prior: logits [B, C, h, w] + Σ weight · (codes == arange), moved codes
    last, drawn by count(cumsum(softmax) < uniform); and the codebook the graph holds."""
    def const(name, value):
        return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(np.array(value), name))

    ids = np.arange(CODES, dtype=np.int64).reshape(1, CODES, 1, 1)
    nodes = [const("ids", ids), const("one", np.array([1], np.int64)), const("last", np.array(-1, np.int64)),
             const("axes", np.array([-1], np.int64)), const("zshape", np.array([2, CODES, 3, 3], np.int64)),
             helper.make_node("ConstantOfShape", ["zshape"], ["zeros"], value=numpy_helper.from_array(np.zeros(1, np.float32)))]
    added = "zeros"
    for slot in range(2):
        nodes += [helper.make_node("Unsqueeze", [f"codes{slot}", "one"], [f"c{slot}"]),
                  helper.make_node("Unsqueeze", [f"weight{slot}", "one"], [f"w{slot}"]),
                  helper.make_node("Equal", [f"c{slot}", "ids"], [f"hit{slot}"]),
                  helper.make_node("Cast", [f"hit{slot}"], [f"hitf{slot}"], to=TensorProto.FLOAT),
                  helper.make_node("Mul", [f"w{slot}", f"hitf{slot}"], [f"term{slot}"]),
                  helper.make_node("Add", [added, f"term{slot}"], [f"added{slot}"], name=f"/Add_{slot}")]
        added = f"added{slot}"
    nodes += [helper.make_node("Add", ["logits", added], ["prior"], name="/Add_prior"),
              helper.make_node("Transpose", ["prior"], ["last_codes"], perm=[0, 2, 3, 1]),
              helper.make_node("Softmax", ["last_codes"], ["p"], axis=-1, name="/Softmax"),
              helper.make_node("CumSum", ["p", "last"], ["cdf"], name="/CumSum"),
              helper.make_node("Unsqueeze", ["uniform", "axes"], ["u"]),
              helper.make_node("Less", ["cdf", "u"], ["below"], name="/Less"),
              helper.make_node("Cast", ["below"], ["below64"], to=TensorProto.INT64, name="/Cast"),
              helper.make_node("ReduceSum", ["below64", "axes"], ["drawn"], keepdims=0, name="/ReduceSum")]
    inputs = [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [2, CODES, 3, 3]),
              helper.make_tensor_value_info("uniform", TensorProto.FLOAT, [2, 3, 3])]
    inputs += [helper.make_tensor_value_info(f"codes{s}", TensorProto.INT64, [2, 3, 3]) for s in range(2)]
    inputs += [helper.make_tensor_value_info(f"weight{s}", TensorProto.FLOAT, [2, 3, 3]) for s in range(2)]
    book = numpy_helper.from_array(np.zeros((CODES, 48), np.float32), "codebook")
    graph = helper.make_graph(nodes, "g", inputs, [helper.make_tensor_value_info("drawn", TensorProto.INT64, [2, 3, 3])], [book])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def conv_graph():
    """y = sigmoid(conv(x, w, b)): one convolution between float32 operators."""
    w = numpy_helper.from_array(np.arange(12, dtype=np.float32).reshape(2, 6, 1, 1) / 10 - 0.3, "c.weight")
    b = numpy_helper.from_array(np.array([0.5, -0.25], dtype=np.float32), "c.bias")
    nodes = [helper.make_node("Conv", ["x", "c.weight", "c.bias"], ["c"], name="/c/Conv"), helper.make_node("Sigmoid", ["c"], ["y"])]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 6, 4, 4])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 2, 4, 4])], [w, b])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def search_graph(book):
    """codebook.quantize's search as the exporter writes it: 2·patches @ codebookᵀ − |code|², argmax."""
    inits = [numpy_helper.from_array(book, "codebook"), numpy_helper.from_array(book.T.copy(), "onnx::MatMul_1"),
             numpy_helper.from_array(np.array(2, np.float32), "two"), numpy_helper.from_array((book ** 2).sum(1), "norms")]
    nodes = [helper.make_node("Mul", ["patches", "two"], ["patches2"]),
             helper.make_node("MatMul", ["patches2", "onnx::MatMul_1"], ["scores"], name="/MatMul"),
             helper.make_node("Sub", ["scores", "norms"], ["centred"], name="/Sub"),
             helper.make_node("ArgMax", ["centred"], ["codes"], axis=-1, keepdims=0)]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("patches", TensorProto.FLOAT, ["n", 16, 48])],
                              [helper.make_tensor_value_info("codes", TensorProto.INT64, ["n", 16])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


class Int8GraphTest(unittest.TestCase):
    # Whether ONNX Runtime fuses and runs them is WorldWeb.Tests' Int8PrecisionTests: it needs ONNX Runtime.
    def test_a_convolution_gets_quantized_input_and_output_int8_weights_per_channel_and_an_int32_bias(self):
        int8 = quantized_graph(conv_graph(), {"c": (-1.0, 3.0, -2.0, 2.0)}, ["c"])

        ops = [n.op_type for n in int8.graph.node]
        self.assertEqual(ops, ["QuantizeLinear", "DequantizeLinear", "DequantizeLinear", "DequantizeLinear", "Conv",
                               "QuantizeLinear", "DequantizeLinear", "Sigmoid"])
        weights = {i.name: numpy_helper.to_array(i) for i in int8.graph.initializer}
        self.assertEqual(weights["/c/Conv_int8_w"].dtype, np.int8)
        np.testing.assert_allclose(weights["/c/Conv_int8_w_scale"], [0.3 / 127, 0.8 / 127], rtol=1e-6)  # one per channel
        self.assertEqual(weights["/c/Conv_int8_b"].dtype, np.int32)
        self.assertEqual((weights["/c/Conv_int8_x_zero"], weights["/c/Conv_int8_y_zero"]), (64, 128))  # 0 exactly
        self.assertNotIn("c.weight", weights)  # the float weights are gone
        self.assertEqual([v.type.tensor_type.elem_type for v in [*int8.graph.input, *int8.graph.output]], [TensorProto.FLOAT] * 2)

    def test_a_range_without_zero_is_widened_to_hold_it(self):
        scale, zero = activation_scale(0.5, 2.0)
        self.assertEqual((zero, float(scale)), (0, np.float32(2.0 / 255)))

    def test_a_codebook_search_becomes_one_integer_product_with_the_norms_as_its_bias(self):
        book = np.random.default_rng(0).random((32, 48), dtype=np.float32)

        int8 = quantized_graph(search_graph(book), {}, [])

        self.assertEqual([n.op_type for n in int8.graph.node][:3], ["Mul", "QuantizeLinear", "MatMulIntegerToFloat"])
        self.assertEqual(next(n for n in int8.graph.node if n.op_type == "MatMulIntegerToFloat").domain, "com.microsoft")
        weights = {i.name: numpy_helper.to_array(i) for i in int8.graph.initializer}
        self.assertEqual((weights["codebook_int8"].dtype, weights["codebook_int8"].shape), (np.int8, (48, 32)))
        self.assertIn("com.microsoft", [o.domain for o in int8.opset_import])

    def test_the_draw_in_two_levels_and_the_prior_scattered_draw_the_plain_graphs_codes(self):
        plain = sampler_graph()
        rewritten = quantized_graph(plain, {}, [])
        ops = [n.op_type for n in rewritten.graph.node]
        self.assertEqual((ops.count("ScatterElements"), ops.count("Equal"), ops.count("CumSum")), (2, 0, 2))
        rng = np.random.default_rng(0)
        for trial in range(20):
            feeds = {"logits": rng.normal(0, 3, (2, CODES, 3, 3)).astype(np.float32),
                     "uniform": rng.random((2, 3, 3)).astype(np.float32)}
            feeds.update({f"codes{s}": rng.integers(0, CODES, (2, 3, 3)) for s in range(2)})
            feeds.update({f"weight{s}": (rng.random((2, 3, 3)) * 10 * (trial % 2)).astype(np.float32) for s in range(2)})
            np.testing.assert_array_equal(run(rewritten, feeds)[0], run(plain, feeds)[0])

    def test_the_searchs_argmax_in_blocks_finds_the_first_largest_score_ties_included(self):
        book = np.random.default_rng(1).random((CODES, 48), dtype=np.float32)
        plain = search_graph(book)
        int8 = quantized_graph(plain, {}, [])
        self.assertEqual([n.op_type for n in int8.graph.node].count("ArgMax"), 2)  # over blocks, then within one
        scores = helper.make_tensor_value_info("centred", TensorProto.FLOAT, ["n", 16, CODES])
        for graph in (plain, int8):  # from the scores on: the same argmax, whatever scored them
            graph.graph.input.append(scores)
        rng = np.random.default_rng(2)
        for _ in range(20):
            values = rng.integers(0, 6, (3, 16, CODES)).astype(np.float32)  # few levels: many ties, across blocks too
            feeds = {"centred": values, "patches": np.zeros((3, 16, 48), np.float32)}
            np.testing.assert_array_equal(run(_from(int8, "centred"), feeds)[0], values.argmax(-1))

    def test_the_int8_search_finds_the_float_searchs_codes_for_8_bit_frames_but_for_near_ties(self):
        generator = torch.Generator().manual_seed(0)
        book = torch.rand(64, 48, generator=generator)
        frames = torch.randint(0, 256, (4, 3, 16, 16), generator=generator).float() / 255

        codes, _ = quantize(frames, book, 4)
        codes8, rebuilt = int8_quantize(frames, book, 4)

        self.assertGreater(float((codes == codes8).float().mean()), 0.95)
        self.assertTrue(torch.equal(rebuilt[:, :, :4, :4].flatten(1), book[codes8[:, 0]].reshape(4, 3, 4, 4).flatten(1)))

    def test_snapped_frames_drop_the_frame_search_and_keep_the_search_of_what_the_graph_made(self):
        book = np.random.default_rng(3).random((CODES, 48), dtype=np.float32)
        int8 = quantized_graph(two_searches_graph(book), {}, [])
        self.assertEqual([n.op_type for n in int8.graph.node].count("MatMulIntegerToFloat"), 2)

        snapped = snapped_frames_graph(int8, frames=("context",))

        nodes = snapped.graph.node
        self.assertEqual([n.op_type for n in nodes].count("MatMulIntegerToFloat"), 1)  # the turned frame's search
        self.assertFalse(any(n.op_type == "Gather" and n.input[0] == "codebook" for n in nodes))
        self.assertEqual(next(n for n in nodes if n.output[0] == "turned").input[0], "context")  # the patches as they came
        with self.assertRaises(ValueError):  # snapped already: no frame search left to drop
            snapped_frames_graph(snapped, frames=("context",))


def two_searches_graph(book):
    """A frame's search (its patches rebuilt from the codebook) and a search of what the graph made of them, as the
    memory prior searches the turned memories: context → codes → rebuilt → turned (+0.1) → codes of turned."""
    inits = [numpy_helper.from_array(book, "codebook"), numpy_helper.from_array(book.T.copy(), "bookT"),
             numpy_helper.from_array(np.array(2, np.float32), "two"), numpy_helper.from_array((book ** 2).sum(1), "norms"),
             numpy_helper.from_array(np.array(0.1, np.float32), "shift")]
    nodes = []
    for name, patches in (("frame", "context"), ("prior", "turned")):
        nodes += [helper.make_node("Mul", [patches, "two"], [f"{name}2"]),
                  helper.make_node("MatMul", [f"{name}2", "bookT"], [f"{name}_scores"], name=f"/{name}/MatMul"),
                  helper.make_node("Sub", [f"{name}_scores", "norms"], [f"{name}_centred"], name=f"/{name}/Sub"),
                  helper.make_node("ArgMax", [f"{name}_centred"], [f"{name}_codes"], axis=-1, keepdims=0)]
        if name == "frame":
            nodes += [helper.make_node("Gather", ["codebook", "frame_codes"], ["rebuilt"]),
                      helper.make_node("Add", ["rebuilt", "shift"], ["turned"])]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("context", TensorProto.FLOAT, ["n", 16, 48])],
                              [helper.make_tensor_value_info("prior_codes", TensorProto.INT64, ["n", 16])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


if __name__ == "__main__":
    unittest.main()
