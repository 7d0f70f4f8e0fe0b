"""The context pool graph: every world's context stays on the device between steps (docs/gpu.md, "Contexts kept on
the device").

It wraps a package's graph (8-bit frame inputs) with a pool of contexts, uint8 [slots, K, H, W, 3], that the server
binds in device memory and passes from one step's output to the next step's input:

    pool_in  = ScatterND(pool, upload_rows, uploads)         # contexts the device does not hold yet
    context  = Gather(pool_in, pool_rows)                    # the batch's rows
    frame, pose_delta = <the package's graph>
    new      = uint8(floor(clip(frame, 0, 1) * 255 + 0.5))   # NaN to 0: FrameMath.ToRgb24, bit for bit
    pool_out = ScatterND(pool_in, pool_rows, context[:, 1:] ++ new)

so a step sends the device only what is new (uploads, actions, memory, noise) and the server, which keeps its own
8-bit contexts, can check bit for bit what the pool holds. Slot 0 is scratch: padding rows and the one upload a step
always makes (so no tensor is empty) go there.
"""
import copy

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

POOL, POOL_OUT, ROWS, UPLOAD_ROWS, UPLOADS = "pool", "pool_out", "pool_rows", "upload_rows", "uploads"
FILE = "pool.onnx"


def add_context_pool(folder, model: onnx.ModelProto, world_json: dict) -> dict:
    """Writes the pool graph of a package's graph into its folder; returns world.json naming it."""
    onnx.save(context_pool_graph(model, world_json), str(folder / FILE))
    return dict(world_json, context_pool={"onnx": FILE})


def context_pool_graph(model: onnx.ModelProto, world_json: dict) -> onnx.ModelProto:
    """The pool graph of a package's graph and manifest; the arguments are left as they were."""
    model = copy.deepcopy(model)
    graph = model.graph
    context = world_json["inputs"]["context"]
    frame = world_json["outputs"]["frame"]["name"]
    if context["dtype"] != "uint8":
        raise ValueError("the pool holds 8-bit frames: convert the package with training/rgb24.py first")
    k, h, w, c = context["shape"][1:]
    taken = {v.name for v in graph.input} | {i.name for i in graph.initializer} | {o for n in graph.node for o in n.output}
    clash = taken & {POOL, POOL_OUT, ROWS, UPLOAD_ROWS, UPLOADS}
    if clash or any(name.startswith("pool_") for name in taken - {POOL, POOL_OUT, ROWS}):
        raise ValueError(f"the graph already uses names the pool graph adds: {sorted(clash) or 'pool_*'}")

    def const(name, value, dtype):
        graph.initializer.append(numpy_helper.from_array(np.array(value, dtype=dtype), name))
        return name

    last_axis, frame_axis = const("pool_last_axis", [-1], np.int64), const("pool_frame_axis", [1], np.int64)
    zero, one = const("pool_zero", 0, np.float32), const("pool_one", 1, np.float32)
    scale, half = const("pool_255", 255, np.float32), const("pool_half", 0.5, np.float32)
    kept_from, kept_to = const("pool_kept_from", [1], np.int64), const("pool_kept_to", [k], np.int64)
    node = helper.make_node
    before = [
        node("Unsqueeze", [UPLOAD_ROWS, last_axis], ["pool_upload_index"]),
        node("ScatterND", [POOL, "pool_upload_index", UPLOADS], ["pool_in"]),
        node("Gather", ["pool_in", ROWS], [context["name"]], axis=0),
    ]
    after = [
        node("IsNaN", [frame], ["pool_nan"]),
        node("Where", ["pool_nan", zero, frame], ["pool_finite"]),
        node("Clip", ["pool_finite", zero, one], ["pool_clipped"]),
        node("Mul", ["pool_clipped", scale], ["pool_scaled"]),
        node("Add", ["pool_scaled", half], ["pool_rounded_up"]),
        node("Floor", ["pool_rounded_up"], ["pool_floor"]),
        node("Cast", ["pool_floor"], ["pool_bytes_chw"], to=TensorProto.UINT8),
        node("Transpose", ["pool_bytes_chw"], ["pool_bytes"], perm=[0, 2, 3, 1]),
        node("Unsqueeze", ["pool_bytes", frame_axis], ["pool_new"]),
        node("Slice", [context["name"], kept_from, kept_to, frame_axis], ["pool_kept"]),
        node("Concat", ["pool_kept", "pool_new"], ["pool_shifted"], axis=1),
        node("Unsqueeze", [ROWS, last_axis], ["pool_row_index"]),
        node("ScatterND", ["pool_in", "pool_row_index", "pool_shifted"], [POOL_OUT]),
    ]
    nodes = before + list(graph.node) + after
    del graph.node[:]
    graph.node.extend(nodes)
    inputs = [v for v in graph.input if v.name != context["name"]]
    del graph.input[:]
    graph.input.extend([
        helper.make_tensor_value_info(POOL, TensorProto.UINT8, ["slots", k, h, w, c]),
        helper.make_tensor_value_info(ROWS, TensorProto.INT64, ["batch"]),
        helper.make_tensor_value_info(UPLOAD_ROWS, TensorProto.INT64, ["uploads"]),
        helper.make_tensor_value_info(UPLOADS, TensorProto.UINT8, ["uploads", k, h, w, c]),
    ] + inputs)
    graph.output.append(helper.make_tensor_value_info(POOL_OUT, TensorProto.UINT8, ["slots", k, h, w, c]))
    onnx.checker.check_model(model, full_check=True)
    return model
