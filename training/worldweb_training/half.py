"""Half precision for the heavy operators: convolutions and matrix products in float16, the rest in float32.

A GPU's tensor cores multiply float16 at several times the float32 rate, and most of this network's time is its
convolutions; the sampler's softmax, cumulative sum and comparisons, the pose geometry and the memory prior stay in
float32, where float16's 11-bit mantissa would move patch choices and poses. Graph inputs and outputs keep their
types, so a half graph is a drop-in for the package's own (and context_pool.py wraps it the same way). ONNX
Runtime's CPU provider runs it too, which is how eval measures a half model's free play without a GPU.
"""
import copy

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from worldweb_training.context_pool import context_pool_graph
from worldweb_training.package import mismatches

HEAVY = ("Conv", "Gemm", "MatMul")
MODEL, POOL = "model_half.onnx", "pool_half.onnx"


def add_half(folder, model: onnx.ModelProto, world_json: dict) -> dict:
    """Writes the half graph of a package's graph (and of its pool graph, if it has one); returns world.json naming them."""
    half = half_matmuls(model)
    problems = mismatches(world_json, half.graph)
    if problems:
        raise ValueError("half graph does not match world.json: " + "; ".join(problems))
    onnx.save(half, str(folder / MODEL))
    named = {"onnx": MODEL}
    if "context_pool" in world_json:
        onnx.save(context_pool_graph(half, world_json), str(folder / POOL))
        named["context_pool"] = POOL
    return dict(world_json, half=named)


def _float_tensors(model: onnx.ModelProto) -> set:
    inferred = onnx.shape_inference.infer_shapes(model)
    values = list(inferred.graph.value_info) + list(inferred.graph.input) + list(inferred.graph.output)
    floats = {v.name for v in values if v.type.tensor_type.elem_type == TensorProto.FLOAT}
    return floats | {i.name for i in model.graph.initializer if i.data_type == TensorProto.FLOAT}


def half_matmuls(model: onnx.ModelProto) -> onnx.ModelProto:
    """The graph with Conv, Gemm and MatMul in float16 (weights stored so), everything else as it was."""
    model = copy.deepcopy(model)
    graph = model.graph
    floats = _float_tensors(model)
    initializers = {i.name: i for i in graph.initializer}
    nodes, halves = [], {}

    def as_half(name):
        half = f"{name}_half"
        if half not in halves:
            if name in initializers:  # stored as float16: no Cast at run time
                halves[half] = numpy_helper.from_array(numpy_helper.to_array(initializers[name]).astype(np.float16), half)
            else:
                halves[half] = None
                nodes.append(helper.make_node("Cast", [name], [half], to=TensorProto.FLOAT16))
        return half

    for node in graph.node:
        if any(a.type in (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS) for a in node.attribute):
            raise ValueError(f"node {node.name!r} has a subgraph; only flat graphs are converted")
        if node.op_type not in HEAVY:
            nodes.append(node)
            continue
        for i, name in enumerate(node.input):
            if name in floats:
                node.input[i] = as_half(name)
        back = []
        for i, name in enumerate(node.output):
            if name in floats:
                node.output[i] = f"{name}_computed_half"
                back.append(helper.make_node("Cast", [f"{name}_computed_half"], [name], to=TensorProto.FLOAT))
        nodes += [node, *back]
    del graph.node[:]
    graph.node.extend(nodes)
    used = {name for node in graph.node for name in node.input}
    kept = [i for i in graph.initializer if i.name in used] + [h for h in halves.values() if h is not None]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    onnx.checker.check_model(model, full_check=True)
    return model
