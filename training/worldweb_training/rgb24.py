"""Frames in as 8-bit RGB: the graph takes context and memory as the server holds them and converts them itself.

A float frame costs 4 bytes a value to move to a GPU each tick, an 8-bit one 1 (docs/gpu.md, "What crosses the bus").
The graph moves the channels first and divides by 255, the exact values WorldWeb's FrameMath.FromRgb24 gave the float
graph (x / 255 in float32), so a package converted here steps bit-identical frames.
"""
import copy

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

FRAME_ROLES = ("context", "memory")
SCALE = "rgb24_255"  # the one initializer the conversion adds


def rgb24_inputs(model: onnx.ModelProto, world_json: dict) -> tuple:
    """(graph, manifest) whose frame inputs are uint8 [batch, n, H, W, 3]; the arguments are left as they were."""
    model, world_json = copy.deepcopy(model), copy.deepcopy(world_json)
    graph = model.graph
    converts = []
    for role in FRAME_ROLES:
        spec = world_json["inputs"].get(role)
        if spec is None:
            continue
        if spec["dtype"] != "float32":
            raise ValueError(f"inputs.{role} is {spec['dtype']}, not float32: already converted?")
        name = spec["name"]
        value = next(v for v in graph.input if v.name == name)
        batch, n, c, h, w = value.type.tensor_type.shape.dim
        chw = f"{name}_chw"
        for node in graph.node:
            if any(a.type in (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS) for a in node.attribute):
                raise ValueError(f"node {node.name!r} has a subgraph; only flat graphs are converted")
            for i, used in enumerate(node.input):
                if used == name:
                    node.input[i] = chw
        converts += [  # the bytes are moved first: a quarter of what moving the floats would be
            helper.make_node("Transpose", [name], [f"{name}_bytes_chw"], perm=[0, 1, 4, 2, 3]),
            helper.make_node("Cast", [f"{name}_bytes_chw"], [f"{name}_float"], to=TensorProto.FLOAT),
            helper.make_node("Div", [f"{name}_float", SCALE], [chw]),
        ]
        shape = [batch.dim_param or batch.dim_value, n.dim_value, h.dim_value, w.dim_value, c.dim_value]
        value.CopyFrom(helper.make_tensor_value_info(name, TensorProto.UINT8, shape))
        spec.update(dtype="uint8", shape=["batch"] + shape[1:])
    if not converts:
        raise ValueError("world.json maps no context or memory input")
    graph.initializer.append(numpy_helper.from_array(np.array(255, dtype=np.float32), SCALE))
    nodes = converts + list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes)
    onnx.checker.check_model(model, full_check=True)
    return model, world_json
