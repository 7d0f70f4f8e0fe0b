"""Half precision for the heavy operators: convolutions and matrix products in float16, the rest in float32.

A GPU's tensor cores multiply float16 at several times the float32 rate, and most of this network's time is its
convolutions; the sampler's softmax, cumulative sum and comparisons, the pose geometry and the memory prior stay in
float32, where float16's 11-bit mantissa would move patch choices and poses. Graph inputs and outputs keep their
types, so a half graph is a drop-in for the package's own (and context_pool.py wraps it the same way).

    half_matmuls(model)            the graph a GPU runs: weights stored as float16, Casts around each heavy operator
    emulated(model, everywhere)    a float32 graph that rounds the same values to float16 precision, which ONNX
                                   Runtime's CPU provider runs (it has no float16 convolutions on x64), so that eval
                                   can measure a half model's free play on a machine without a GPU

The emulation rounds what half_matmuls stores in float16: each heavy operator's float inputs (weights included) and
its output. It does not round inside the operator: a GPU accumulates a float16 convolution in float32 by default,
which the emulation's float32 arithmetic matches up to the order of the sums.
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


def _rewrite(model: onnx.ModelProto, rounded, make_round) -> onnx.ModelProto:
    """A copy whose nodes see rounded(node, i) inputs through make_round and whose rounded outputs pass one too."""
    model = copy.deepcopy(model)
    graph = model.graph
    floats = _float_tensors(model)
    nodes, made = [], {}

    def through(name, to):
        key = (name, to)
        if key not in made:
            made[key] = f"{name}_as_{'half' if to == TensorProto.FLOAT16 else 'float'}_{len(made)}"
            nodes.extend(make_round(name, made[key], to))
        return made[key]

    for node in graph.node:
        if any(a.type in (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS) for a in node.attribute):
            raise ValueError(f"node {node.name!r} has a subgraph; only flat graphs are converted")
        selected = rounded(node)
        if not selected:
            nodes.append(node)
            continue
        for i, name in enumerate(node.input):
            if name and name in floats:
                node.input[i] = through(name, TensorProto.FLOAT16)
        outputs = [o for o in node.output if o in floats]
        for o in outputs:
            node.output[list(node.output).index(o)] = f"{o}_computed"
        nodes.append(node)
        for o in outputs:
            nodes.extend(make_round(f"{o}_computed", o, TensorProto.FLOAT))
    del graph.node[:]
    graph.node.extend(nodes)
    return model


def half_matmuls(model: onnx.ModelProto) -> onnx.ModelProto:
    """The graph with Conv, Gemm and MatMul in float16 (weights stored so), everything else as it was."""
    initializers = {i.name: i for i in model.graph.initializer}
    halves = {}

    def cast(source, target, to):
        if to == TensorProto.FLOAT16 and source in initializers:
            halves[target] = numpy_helper.from_array(numpy_helper.to_array(initializers[source]).astype(np.float16), target)
            return []
        return [helper.make_node("Cast", [source], [target], to=to)]

    converted = _rewrite(model, lambda node: node.op_type in HEAVY, cast)
    converted.graph.initializer.extend(halves.values())
    used = {name for node in converted.graph.node for name in node.input}
    kept = [i for i in converted.graph.initializer if i.name in used]
    del converted.graph.initializer[:]
    converted.graph.initializer.extend(kept)
    onnx.checker.check_model(converted, full_check=True)
    return converted


def emulated(model: onnx.ModelProto, everywhere: bool = False) -> onnx.ModelProto:
    """A float32 graph rounding to float16 what half_matmuls keeps in float16 (everywhere: every float tensor)."""
    def round_trip(source, target, to):
        if to == TensorProto.FLOAT:  # the output side: round, then on in float32
            return [helper.make_node("Cast", [source], [f"{target}_half"], to=TensorProto.FLOAT16),
                    helper.make_node("Cast", [f"{target}_half"], [target], to=TensorProto.FLOAT)]
        return round_trip(source, target, TensorProto.FLOAT)  # the input side: the same rounding

    converted = _rewrite(model, (lambda node: True) if everywhere else (lambda node: node.op_type in HEAVY), round_trip)
    onnx.checker.check_model(converted, full_check=True)
    return converted
