#!/usr/bin/env python3
"""Builds the small ONNX model packages the WorldWeb.Inference tests load.

They obey docs/model-format.md at 8x8 so the loader and batched stepping run on a real
ONNX Runtime; they are not world models. The broken ones each break exactly one rule of
the contract. Needs only the `onnx` package (and numpy, which it depends on):

    /usr/bin/python3 WorldWeb.Tests/Fixtures/make_fixture_models.py

Outputs are committed, so the tests do not need Python.
"""
import copy
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "training"))
from worldweb_training.context_pool import context_pool_graph  # noqa: E402  (what training/context_pool.py adds)
from worldweb_training.half import half_matmuls  # noqa: E402  (what training/half.py adds)
from worldweb_training.rgb24 import rgb24_inputs  # noqa: E402  (the converter export.py uses)
H = W = 8
K = 2
M = 2
OPSET = 17
IR_VERSION = 8  # readable by any ONNX Runtime since 1.14

ACTIONS = [
    {"index": 0, "name": "noop", "keys": []},
    {"index": 1, "name": "forward", "keys": ["KeyW", "ArrowUp"]},
    {"index": 2, "name": "turn_left", "keys": ["KeyA", "ArrowLeft"]},
    {"index": 3, "name": "turn_right", "keys": ["KeyD", "ArrowRight"]},
]


def tensor(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def const(name, array):
    return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(np.asarray(array), name))


def build_model(
    k=K,
    m=M,
    declare_empty_memory=False,
    batch="batch",
    context_name="context",
    action_type=TensorProto.INT64,
    pose_delta_name="pose_delta",
    view_pose=False,
):
    """frame = sigmoid(last context frame + 0.1 noise + 0.01 action + 0.05 sum of valid memories);
    pose_delta = action * (0.1, 0.02, 0.05) + 0.001 * sum of memory forward offsets (+ 0.001 view_pose, with one)."""
    pose_out = pose_delta_name
    if view_pose:
        pose_delta_name = "pose_before_view"
    inputs = [
        tensor(context_name, TensorProto.FLOAT, [batch, k, 3, H, W]),
        tensor("action", action_type, [batch]),
    ]
    if m > 0 or declare_empty_memory:
        inputs += [
            tensor("memory", TensorProto.FLOAT, [batch, m, 3, H, W]),
            tensor("memory_pose", TensorProto.FLOAT, [batch, m, 4]),
        ]
    inputs.append(tensor("noise", TensorProto.FLOAT, [batch, 3, H, W]))
    if view_pose:
        inputs.append(tensor("view_pose", TensorProto.FLOAT, [batch, 3]))
    outputs = [
        tensor("frame", TensorProto.FLOAT, [batch, 3, H, W]),
        tensor(pose_out, TensorProto.FLOAT, [batch, 3]),
    ]

    nodes = [
        const("last_index", np.array(k - 1, dtype=np.int64)),
        helper.make_node("Gather", [context_name, "last_index"], ["last"], axis=1),
        helper.make_node("Cast", ["action"], ["action_f"], to=TensorProto.FLOAT),
        const("axes_123", np.array([1, 2, 3], dtype=np.int64)),
        helper.make_node("Unsqueeze", ["action_f", "axes_123"], ["action_4d"]),
        const("c_noise", np.array(0.1, dtype=np.float32)),
        const("c_action", np.array(0.01, dtype=np.float32)),
        helper.make_node("Mul", ["noise", "c_noise"], ["noise_term"]),
        helper.make_node("Mul", ["action_4d", "c_action"], ["action_term"]),
        helper.make_node("Add", ["last", "noise_term"], ["sum1"]),
        helper.make_node("Add", ["sum1", "action_term"], ["sum2"]),
        const("axes_1", np.array([1], dtype=np.int64)),
        helper.make_node("Unsqueeze", ["action_f", "axes_1"], ["action_col"]),
        const("pose_scale", np.array([[0.1, 0.02, 0.05]], dtype=np.float32)),
        helper.make_node("Mul", ["action_col", "pose_scale"], ["pose_from_action"]),
    ]
    if m > 0:
        nodes += [
            # valid flag of each slot, shaped [batch, M, 1, 1, 1] to weight its frame
            const("valid_start", np.array([3], dtype=np.int64)),
            const("valid_end", np.array([4], dtype=np.int64)),
            const("axis_2", np.array([2], dtype=np.int64)),
            helper.make_node("Slice", ["memory_pose", "valid_start", "valid_end", "axis_2"], ["valid"]),
            const("axes_34", np.array([3, 4], dtype=np.int64)),
            helper.make_node("Unsqueeze", ["valid", "axes_34"], ["valid_5d"]),
            helper.make_node("Mul", ["memory", "valid_5d"], ["weighted_memory"]),
            helper.make_node("ReduceSum", ["weighted_memory", "axes_1"], ["memory_sum"], keepdims=0),
            const("c_memory", np.array(0.05, dtype=np.float32)),
            helper.make_node("Mul", ["memory_sum", "c_memory"], ["memory_term"]),
            helper.make_node("Add", ["sum2", "memory_term"], ["logits"]),
            # forward offsets of the memories nudge the pose so memory_pose reaches an output
            const("fwd_start", np.array([0], dtype=np.int64)),
            const("fwd_end", np.array([1], dtype=np.int64)),
            helper.make_node("Slice", ["memory_pose", "fwd_start", "fwd_end", "axis_2"], ["forward"]),
            helper.make_node("ReduceSum", ["forward", "axes_1"], ["forward_sum"], keepdims=0),
            const("c_forward", np.array([[0.001, 0.0, 0.0]], dtype=np.float32)),
            helper.make_node("Mul", ["forward_sum", "c_forward"], ["pose_from_memory"]),
            helper.make_node("Add", ["pose_from_action", "pose_from_memory"], [pose_delta_name]),
        ]
    else:
        nodes += [
            helper.make_node("Identity", ["sum2"], ["logits"]),
            helper.make_node("Identity", ["pose_from_action"], [pose_delta_name]),
        ]
    nodes.append(helper.make_node("Sigmoid", ["logits"], ["frame"]))
    if view_pose:  # so the tests can see each row's view pose reach the graph
        nodes += [const("c_view", np.array(0.001, dtype=np.float32)),
                  helper.make_node("Mul", ["view_pose", "c_view"], ["view_term"]),
                  helper.make_node("Add", [pose_delta_name, "view_term"], [pose_out])]

    graph = helper.make_graph(nodes, "worldweb_fixture", inputs, outputs)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="worldweb-fixtures")
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model, full_check=True)
    return model


def manifest(name, m=M, declare_empty_memory=False, view_pose=False):
    inputs = {
        "context": {"name": "context", "dtype": "float32", "shape": ["batch", K, 3, H, W]},
        "action": {"name": "action", "dtype": "int64", "shape": ["batch"]},
    }
    if m > 0 or declare_empty_memory:
        inputs["memory"] = {"name": "memory", "dtype": "float32", "shape": ["batch", m, 3, H, W]}
        inputs["memory_pose"] = {"name": "memory_pose", "dtype": "float32", "shape": ["batch", m, 4]}
    inputs["noise"] = {
        "name": "noise", "dtype": "float32", "shape": ["batch", 3, H, W], "distribution": "standard_normal",
    }
    if view_pose:
        inputs["view_pose"] = {"name": "view_pose", "dtype": "float32", "shape": ["batch", 3]}
    return {
        "format": "worldweb-model/1",
        "name": name,
        "version": "0.0.1",
        "description": "Test fixture built by make_fixture_models.py; not a world model.",
        "onnx": "model.onnx",
        "starts": "starts.npy",
        "frame": {"width": W, "height": H, "channels": 3},
        "fps": 20,
        "context_frames": K,
        "memory_slots": m,
        "actions": copy.deepcopy(ACTIONS),
        "inputs": inputs,
        "outputs": {
            "frame": {"name": "frame", "dtype": "float32", "shape": ["batch", 3, H, W]},
            "pose_delta": {"name": "pose_delta", "dtype": "float32", "shape": ["batch", 3]},
        },
        "sampler": {"kind": "none", "steps": 1},
        "training": {"note": "none; synthetic graph"},
        **({"start_poses": "start_poses.npy"} if view_pose else {}),
    }


def starts(n=3):
    """uint8 [N, K, H, W, 3]; value = (37n + 11k + 5y + 3x + 50c) mod 256, so tests can predict any pixel."""
    n_, k_, y_, x_, c_ = np.meshgrid(np.arange(n), np.arange(K), np.arange(H), np.arange(W), np.arange(3), indexing="ij")
    return ((37 * n_ + 11 * k_ + 5 * y_ + 3 * x_ + 50 * c_) % 256).astype(np.uint8)


def start_poses(n=3):
    """float32 [N, 3]: start n stands at (n + 1.5, 2.5) facing π/2 · n."""
    return np.array([[i + 1.5, 2.5, np.pi / 2 * i] for i in range(n)], dtype=np.float32)


def write_package(folder, model, world, pool=None, half=None):
    """half: (graph, its pool graph); the fixture graph has no convolutions or matrix products, so the half graph
    computes what the float one does: it stands for a package that has one."""
    path = os.path.join(HERE, folder)
    os.makedirs(path, exist_ok=True)
    onnx.save(model, os.path.join(path, "model.onnx"))
    if pool is not None:
        onnx.save(pool, os.path.join(path, "pool.onnx"))
        world = dict(world, context_pool={"onnx": "pool.onnx"})
    if half is not None:
        onnx.save(half[0], os.path.join(path, "model_half.onnx"))
        onnx.save(half[1], os.path.join(path, "pool_half.onnx"))
        world = dict(world, half={"onnx": "model_half.onnx", "context_pool": "pool_half.onnx"})
    with open(os.path.join(path, "world.json"), "w", encoding="utf-8") as f:
        json.dump(world, f, indent=2)
        f.write("\n")
    np.save(os.path.join(path, "starts.npy"), starts(), allow_pickle=False)
    if "start_poses" in world:
        np.save(os.path.join(path, world["start_poses"]), start_poses(), allow_pickle=False)


def broken_at_run(pool):
    """The pool graph gathering its rows through a Reshape to one row: it loads and obeys world.json, and fails to run
    on two rows or more (a pool graph that breaks only on the device, as it were)."""
    pool = copy.deepcopy(pool)
    pool.graph.initializer.append(numpy_helper.from_array(np.array([1], dtype=np.int64), "broken_one_row"))
    gather = next(n for n in pool.graph.node if n.op_type == "Gather" and n.input[1] == "pool_rows")
    gather.input[1] = "broken_rows"
    pool.graph.node.insert(0, helper.make_node("Reshape", ["pool_rows", "broken_one_row"], ["broken_rows"]))
    return pool


def faulty(model):
    """The tiny graph made to fail at run time on the actions it gets, for the tests of a model that fails or hangs
    mid-tick: any row turning right reads past the end of a two-element table (ONNX Runtime fails the run), and any
    row turning left makes a Loop go round 10^12 times (hours; ONNX Runtime's terminate flag stops it between
    iterations). Other actions step as in the tiny graph, so a test can make the model fail and recover."""
    model = copy.deepcopy(model)
    graph = model.graph

    def flag(action, name):
        return [
            const(f"{name}_action", np.array(action, dtype=np.int64)),
            helper.make_node("Equal", ["action", f"{name}_action"], [f"{name}_rows"]),
            helper.make_node("Cast", [f"{name}_rows"], [f"{name}_rows_f"], to=TensorProto.FLOAT),
            helper.make_node("ReduceMax", [f"{name}_rows_f"], [f"{name}_any"], keepdims=0),
        ]

    body = helper.make_graph(
        [helper.make_node("Identity", ["cond_in"], ["cond_out"]),
         const("one", np.array(1.0, dtype=np.float32)),
         helper.make_node("Add", ["count_in", "one"], ["count_out"])],
        "hang_body",
        [tensor("iteration", TensorProto.INT64, []), tensor("cond_in", TensorProto.BOOL, []), tensor("count_in", TensorProto.FLOAT, [])],
        [tensor("cond_out", TensorProto.BOOL, []), tensor("count_out", TensorProto.FLOAT, [])],
    )
    nodes = flag(3, "fail") + [
        const("fail_stride", np.array(10.0, dtype=np.float32)),
        helper.make_node("Mul", ["fail_any", "fail_stride"], ["fail_at_f"]),
        helper.make_node("Cast", ["fail_at_f"], ["fail_at"], to=TensorProto.INT64),
        const("fail_table", np.array([0.0, 0.0], dtype=np.float32)),
        helper.make_node("Gather", ["fail_table", "fail_at"], ["fail_zero"]),
    ] + flag(2, "hang") + [
        const("hang_rounds", np.array(1e12, dtype=np.float32)),
        helper.make_node("Mul", ["hang_any", "hang_rounds"], ["hang_trips_f"]),
        helper.make_node("Cast", ["hang_trips_f"], ["hang_trips"], to=TensorProto.INT64),
        const("hang_start", np.array(0.0, dtype=np.float32)),
        helper.make_node("Loop", ["hang_trips", "", "hang_start"], ["hang_count"], body=body),
        const("hang_weight", np.array(0.0, dtype=np.float32)),
        helper.make_node("Mul", ["hang_count", "hang_weight"], ["hang_zero"]),
        helper.make_node("Add", ["fail_zero", "hang_zero"], ["faulty_zero"]),
    ]
    sigmoid = next(n for n in graph.node if n.op_type == "Sigmoid")
    nodes.append(helper.make_node("Add", [sigmoid.input[0], "faulty_zero"], ["faulty_logits"]))
    sigmoid.input[0] = "faulty_logits"
    at = list(graph.node).index(sigmoid)
    for offset, node in enumerate(nodes):
        graph.node.insert(at + offset, node)
    onnx.checker.check_model(model, full_check=True)
    return model


def write_npy_samples():
    path = os.path.join(HERE, "npy")
    os.makedirs(path, exist_ok=True)
    fmt = np.lib.format

    def save(name, array, version=(1, 0)):
        with open(os.path.join(path, name), "wb") as f:
            fmt.write_array(f, array, version=version, allow_pickle=False)

    save("uint8_v1.npy", (np.arange(24) * 7 % 256).astype(np.uint8).reshape(2, 3, 4))
    save("int64_v1.npy", (np.arange(6, dtype=np.int64) - 3) * 1_000_000_000_000)
    save("float32_v2.npy", (np.arange(12, dtype=np.float32) / 8 - 0.5).reshape(3, 4), version=(2, 0))
    save("float32_scalar.npy", np.array(2.5, dtype=np.float32))
    save("float64.npy", np.arange(4, dtype=np.float64))
    save("float32_bigendian.npy", np.arange(4, dtype=">f4"))
    save("float32_fortran.npy", np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)))


MASK64 = (1 << 64) - 1


def splitmix64(state):
    while True:
        state = (state + 0x9E3779B97F4A7C15) & MASK64
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        yield z ^ (z >> 31)


def world_noise(seed, step, count):
    """An independent transcription of "How WorldWeb fills the noise" in docs/model-format.md."""
    import math

    def rotl(x, r):
        return ((x << r) | (x >> (64 - r))) & MASK64

    seeds = splitmix64(((seed * 0x9E3779B97F4A7C15) & MASK64) ^ (step & MASK64))
    s = [next(seeds) for _ in range(4)]

    def xoshiro():
        result = (rotl((s[1] * 5) & MASK64, 7) * 9) & MASK64
        t = (s[1] << 17) & MASK64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result

    out = []
    while len(out) < count:
        u1 = ((xoshiro() >> 11) + 1) * (1.0 / (1 << 53))
        u2 = (xoshiro() >> 11) * (1.0 / (1 << 53))
        radius = math.sqrt(-2.0 * math.log(u1))
        angle = 2.0 * math.pi * u2
        out.append(radius * math.cos(angle))
        if len(out) < count:
            out.append(radius * math.sin(angle))
    return np.array(out, dtype=np.float64).astype(np.float32)


def write_noise_reference():
    """Float32 bit patterns of the first values for a few (seed, step) pairs, for WorldNoise's tests."""
    cases = [(0, 0), (42, 0), (42, 1), (2**64 - 1, 2**63 - 1), (123456789, -5)]
    reference = [
        {"seed": str(seed), "step": step, "bits": [int(b) for b in world_noise(seed, step, 9).view(np.uint32)]}
        for seed, step in cases
    ]
    with open(os.path.join(HERE, "noise_reference.json"), "w", encoding="utf-8") as f:
        json.dump(reference, f, indent=2)
        f.write("\n")


def main():
    write_package("tiny", build_model(), manifest("tiny"))
    write_package("tiny_rgb24", *rgb24_inputs(build_model(), manifest("tiny_rgb24")))
    pooled, pooled_world = rgb24_inputs(build_model(), manifest("tiny_pool"))
    half = half_matmuls(pooled)
    write_package("tiny_pool", pooled, pooled_world, context_pool_graph(pooled, pooled_world),
                  (half, context_pool_graph(half, pooled_world)))
    write_package("tiny_broken_pool", pooled, pooled_world, broken_at_run(context_pool_graph(pooled, pooled_world)))
    posed, posed_world = rgb24_inputs(build_model(view_pose=True), manifest("tiny_view_pose", view_pose=True))
    write_package("tiny_view_pose", posed, posed_world, context_pool_graph(posed, posed_world))
    write_package("tiny_faulty", faulty(build_model()), manifest("tiny_faulty"))
    write_package("tiny_no_memory", build_model(m=0), manifest("tiny_no_memory", m=0))
    write_package(
        "tiny_empty_memory",
        build_model(m=0, declare_empty_memory=True),
        manifest("tiny_empty_memory", m=0, declare_empty_memory=True),
    )
    write_package("broken_input_name", build_model(context_name="frames"), manifest("broken_input_name"))
    write_package("broken_dtype", build_model(action_type=TensorProto.INT32), manifest("broken_dtype"))
    write_package("broken_fixed_dim", build_model(k=K + 1), manifest("broken_fixed_dim"))
    write_package("broken_static_batch", build_model(batch=1), manifest("broken_static_batch"))
    write_package("broken_output_name", build_model(pose_delta_name="delta"), manifest("broken_output_name"))
    write_npy_samples()
    write_noise_reference()


if __name__ == "__main__":
    main()
