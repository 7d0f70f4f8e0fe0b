"""The `worldweb-model/1` package: manifest, start states, and the check that a graph matches them."""
import math
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper

from .data import MARK_SEEN

ACTION_KEYS = {"noop": [], "forward": ["KeyW", "ArrowUp"], "backward": ["KeyS", "ArrowDown"],
               "turn_left": ["KeyA", "ArrowLeft"], "turn_right": ["KeyD", "ArrowRight"],
               "strafe_left": ["KeyQ"], "strafe_right": ["KeyE"], "paint": ["KeyF", "Space"]}
FPS = 20
INPUTS = ("context", "action", "memory", "memory_pose", "noise")
VIEW_POSE = "view_pose"  # the tracked pose of the last context frame, for a model with a face map (facemap.py)
START_POSES_FILE = "start_poses.npy"
OUTPUTS = ("frame", "pose_delta")
CODEBOOK_FILE = "codebook.npy"
_DTYPES = {onnx.TensorProto.FLOAT: "float32", onnx.TensorProto.INT64: "int64", onnx.TensorProto.UINT8: "uint8"}


def input_names(model_cfg) -> tuple:
    return INPUTS + ((VIEW_POSE,) if model_cfg.face_map else ())


def tensor_roles(k, m, h, w, view_pose=False) -> tuple:
    frame = [3, h, w]
    inputs = {"context": ("float32", [k] + frame), "action": ("int64", []),
              "memory": ("float32", [m] + frame), "memory_pose": ("float32", [m, 4]),
              "noise": ("float32", frame)}
    if view_pose:
        inputs[VIEW_POSE] = ("float32", [3])
    outputs = {"frame": ("float32", frame), "pose_delta": ("float32", [3])}

    def table(roles):
        return {role: {"name": role, "dtype": dtype, "shape": ["batch"] + shape}
                for role, (dtype, shape) in roles.items()}

    inputs, outputs = table(inputs), table(outputs)
    inputs["noise"]["distribution"] = "standard_normal"
    return inputs, outputs


def sampler(model_cfg) -> dict:
    if model_cfg.output != "tokens":
        return {"kind": "flow-ddim", "steps": len(model_cfg.sampler_times)}
    spec = {"kind": "codebook-tokens", "steps": 1, "codebook": model_cfg.codebook_size, "patch": model_cfg.patch,
            "temperature": model_cfg.temperature}
    if model_cfg.uniform_reach > 0:
        spec["uniform_reach"] = model_cfg.uniform_reach
    if model_cfg.memory_prior_gain > 0:
        spec["memory_prior"] = {"gain": model_cfg.memory_prior_gain, "reach_cells": model_cfg.memory_prior_reach_cells}
    return spec


def add_codebook(folder, graph: onnx.ModelProto, world_json: dict) -> dict:
    """The manifest naming codebook.npy, written into `folder`: the patches a codebook-tokens graph paints with, taken
    from the graph itself (its initializer `codebook`: float32 [K, 3·p·p] in [0, 1], each row a patch channel-major,
    as codebook.to_patches lays it out). WorldWeb stores memory frames as indices into it, found by the same nearest-
    patch rule the graph snaps its context and memory frames by, so they must be the graph's values exactly."""
    sampler_spec = world_json["sampler"]
    if sampler_spec["kind"] != "codebook-tokens":
        raise ValueError(f"sampler.kind is {sampler_spec['kind']!r}: only codebook-tokens models paint with a codebook")
    found = [numpy_helper.to_array(i) for i in graph.graph.initializer if i.name == "codebook"]
    if len(found) != 1:
        raise ValueError("the graph has no initializer named 'codebook'")
    codebook = found[0]
    expected = (sampler_spec["codebook"], 3 * sampler_spec["patch"] ** 2)
    if codebook.dtype != np.float32 or codebook.shape != expected or codebook.min() < 0 or codebook.max() > 1:
        raise ValueError(f"the graph's codebook is {codebook.dtype} {codebook.shape}, not float32 {expected} in [0, 1]")
    np.save(Path(folder) / CODEBOOK_FILE, codebook)
    return {**world_json, "sampler": {**sampler_spec, "codebook_file": CODEBOOK_FILE}}


def manifest(name, model_cfg, world, training, version) -> dict:
    h, w = world["height"], world["width"]
    inputs, outputs = tensor_roles(model_cfg.context_frames, model_cfg.memory_slots, h, w, model_cfg.face_map)
    return {
        "format": "worldweb-model/1", "name": name, "version": version,
        "description": f"Action-conditioned maze world model trained on the WorldWeb reference world: "
                       f"{model_cfg.context_frames} context frames, {model_cfg.memory_slots} memory slots, " + (
                           f"each {model_cfg.patch}x{model_cfg.patch} patch chosen from {model_cfg.codebook_size} real patches."
                           if model_cfg.output == "tokens" else f"{len(model_cfg.sampler_times)}-step flow sampler."),
        "onnx": "model.onnx", "starts": "starts.npy",
        # Where each start's last frame was seen from: a model that reads the pose needs it in the world's own grid.
        **({"start_poses": START_POSES_FILE} if model_cfg.face_map else {}),
        "frame": {"width": w, "height": h, "channels": 3}, "fps": FPS,
        "context_frames": model_cfg.context_frames, "memory_slots": model_cfg.memory_slots,
        "actions": [action_spec(i, a, world) for i, a in enumerate(world["actions"])],
        "inputs": inputs, "outputs": outputs,
        "sampler": sampler(model_cfg),
        **poses(world),
        "training": training,
    }


def poses(world) -> dict:
    """The manifest's "poses": the heading step the server rounds each tracked turn to, and the move steps it snaps
    moves near to, where the shards name them and the pose head was found good enough (see the trusted_ functions)."""
    found = {"heading_step_degrees": world.get("heading_step_degrees"), "move_steps": world.get("move_steps")}
    found = {k: v for k, v in found.items() if v}
    return {"poses": found} if found else {}


def trusted_heading_step(step, turn_error_deg):
    """The world's heading step for the manifest, if the pose head's held-out turn error is under a tenth of it.

    The server rounds each tracked turn to the step: exact for a pose head that turns within a fraction of a step
    (0.2.4's: 0.03°), wrong by whole steps for one that does not (a tiny test run's rounded every turn to none)."""
    return step if step and turn_error_deg is not None and turn_error_deg < step / 10 else None


def trusted_move_steps(steps, pose_mae):
    """The world's move steps for the manifest, if the pose head's held-out error ahead and aside is under a tenth
    of the shortest step (the server takes a move within a fifth of its step as the full step, PoseTracking.cs).

    0.2.5's pose head is 0.002 cells off, paint2's 0.004, against the shortest step's 0.08: a move is then never
    mistaken for another, while a pose head that has not learnt moves would turn slides into full steps."""
    if not steps or not pose_mae or pose_mae.get("forward") is None or pose_mae.get("right") is None:
        return None
    lengths = [math.hypot(*step) for step in steps.values() if any(step)]  # [0, 0]: a turn or a paint
    shortest = min(lengths, default=math.inf)
    return steps if max(pose_mae["forward"], pose_mae["right"]) < shortest / 10 else None


def action_spec(index, name, world) -> dict:
    """A manifest action: its keys, and whether it is a press and changes the world (as the shards say)."""
    spec = {"index": index, "name": name, "keys": ACTION_KEYS[name]}
    if name in world.get("presses", ()):
        spec["press"] = True
    if name in world.get("changes_world", ()):
        spec["changes_world"] = True
    return spec


def start_episodes(shards, count, context_frames) -> list:
    """The first `count` episodes (fewer where the shards hold fewer) whose first K frames show the world as nobody
    changed it. The explorer may paint at its first step (3 of the first 8 episodes of data/shards), and a world begun
    from such a start opens on a mark that nobody made in it and that neither its memory nor its action log holds."""
    clean = [e for e in shards.episodes
             if not e.changed[:context_frames].any() and (e.marks[:context_frames] < MARK_SEEN).all()]
    if not clean:
        raise ValueError(f"none of the {len(shards.episodes)} episodes read begins with no mark in its first "
                         f"{context_frames} frames: a package needs at least one start state")
    return clean[:count]


def start_states(shards, count, context_frames) -> np.ndarray:
    """uint8 [N, K, H, W, 3]: the first K frames of the first N episodes that begin unmarked (start_episodes)."""
    return np.stack([e.frames[:context_frames] for e in start_episodes(shards, count, context_frames)])


def start_poses(shards, count, context_frames) -> np.ndarray:
    """float32 [N, 3] (x, y in cells, heading): the pose of each start state's last frame."""
    return np.stack([e.poses[context_frames - 1] for e in start_episodes(shards, count, context_frames)]).astype(np.float32)


def graph_signature(graph: onnx.GraphProto) -> dict:
    """{tensor name: (dtype, shape)} of the graph's inputs and outputs; symbolic dims by name."""
    def shape(value):
        return [d.dim_param or d.dim_value for d in value.type.tensor_type.shape.dim]

    return {v.name: (_DTYPES.get(v.type.tensor_type.elem_type, str(v.type.tensor_type.elem_type)), shape(v))
            for v in list(graph.input) + list(graph.output)}


def mismatches(world_json: dict, graph: onnx.GraphProto) -> list:
    """Each way the graph differs from the manifest's roles, as WorldWeb would refuse it; [] if none."""
    found = graph_signature(graph)
    roles = {**world_json["inputs"], **world_json["outputs"]}
    named = {spec["name"] for spec in roles.values()}
    problems = [f"graph tensor {n!r} is named by no role" for n in found if n not in named]
    for role, spec in roles.items():
        if spec["name"] not in found:
            problems.append(f"{role}: graph has no tensor {spec['name']!r}")
        elif found[spec["name"]] != (spec["dtype"], spec["shape"]):
            problems.append(f"{role}: graph has {found[spec['name']]}, manifest says {(spec['dtype'], spec['shape'])}")
    return problems
