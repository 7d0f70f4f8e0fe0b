"""int8 graphs for a CPU: the U-Net's convolutions and the codebook searches in 8-bit integers, the rest in float32.

A CPU with integer dot-product instructions (x86 VNNI) multiplies 8-bit integers at several times its float32 rate,
and ONNX Runtime's CPU provider has int8 kernels that use them. Two parts of a step are products:

- **The U-Net's convolutions** (QDQ format): each Conv's input and output pass through QuantizeLinear and
  DequantizeLinear (uint8, one scale and zero point per tensor, from ranges seen in calibration), its weights are
  stored as int8 with one scale per output channel and its bias as int32. ONNX Runtime fuses each such group into
  one integer convolution (QLinearConv).
- **The codebook searches** (context and memory frames to their nearest patches, and the memory prior's search of
  the turned memories): `2·patch·code − |code|²` as one integer product with the bias added in its output loop
  (com.microsoft MatMulIntegerToFloat), instead of a float product and a subtraction over every score. The patches
  are 8-bit pixel values (the frames are), so only the codebook is rounded: to int8, one scale per code, and the
  search finds the nearest code of that rounded codebook; the frame is still drawn from the float codebook.

The sampler (softmax, cumulative sum, draw), the memory prior's weights, the pose head and the embeddings stay in
float32: they are a small share of the time, and their errors would move draws and poses directly. Which
convolutions are kept in float32 too is measured (`training/int8.py --report`): the token share a layer flips alone.

Calibration runs the float model (PyTorch, the package's own weights) on real windows of training episodes, with
memories as the server retrieves them, and on the model's own free play from those episodes (drift.py's rollouts),
and takes each tensor's range over both. Graph inputs and outputs keep their types, so an int8 graph is a drop-in
for the package's own, and context_pool.py wraps it the same way.
"""
import contextlib
import copy

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

from worldweb_training import model as model_module
from worldweb_training.codebook import from_patches, to_patches
from worldweb_training.context_pool import context_pool_graph
from worldweb_training.data import WindowSampler, to_model_inputs
from worldweb_training.drift import DriftPool
from worldweb_training.model import context_noise
from worldweb_training.package import mismatches

MODEL, POOL = "model_int8.onnx", "pool_int8.onnx"
# A convolution that alone flips more than this share of sampled codes (held-out windows, same noise) stays in float32.
MAX_FLIPPED_ALONE = 0.02
DRAW_BLOCK = 32  # codes per block of the two-level draw
SEARCH_BLOCK = 32  # codes per block of the two-level argmax of a codebook search
CONTRIB = "com.microsoft"
# Share of each tensor's values let out of its range at each end: a few outliers would otherwise stretch the scale.
OUTLIERS = 1e-4
SAMPLE_PER_BATCH = 20_000  # values kept per tensor per batch for its quantiles


# ---------------------------------------------------------------------------------------------------------------------
# Scales

def activation_scale(lo: float, hi: float) -> tuple:
    """(scale, zero point) of uint8 over [lo, hi], widened to hold 0 exactly (zero padding must stay zero)."""
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    scale = max(hi - lo, 1e-8) / 255
    return np.float32(scale), np.uint8(min(255, max(0, round(-lo / scale))))


def weight_scales(w: np.ndarray, axis: int) -> np.ndarray:
    """Symmetric int8 scales, one per slice along `axis` (an output channel, a code)."""
    reduce = tuple(i for i in range(w.ndim) if i != axis)
    peak = np.abs(w).max(axis=reduce)
    return (np.maximum(peak, 1e-12) / 127).astype(np.float32)


def int8_weights(w: np.ndarray, scales: np.ndarray, axis: int) -> np.ndarray:
    shape = [1] * w.ndim
    shape[axis] = -1
    return np.clip(np.round(w / scales.reshape(shape)), -127, 127).astype(np.int8)


# ---------------------------------------------------------------------------------------------------------------------
# Calibration

def conv_modules(model) -> dict:
    """The model's convolutions by the name their weights carry in the exported graph."""
    return {name: m for name, m in model.named_modules() if isinstance(m, torch.nn.Conv2d)}


@torch.no_grad()
def calibration_batches(model, episodes, data_cfg, rows=512, rollouts=32, length=32, batch=64, seed=0) -> list:
    """Model inputs (with the sampler's noise): `rows` real windows with retrieved or sampled memories, then `rows`
    windows whose context is the model's own free play (rollouts of `length` steps from real starts)."""
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    sampler = WindowSampler(episodes, model.cfg, data_cfg)
    batches = [_with_noise(to_model_inputs(sampler.batch(rng, batch), "cpu")) for _ in range(rows // batch)]
    pool = DriftPool(sampler, rollouts, length)
    pool.refresh(model, rng, "cpu")
    batches += [_with_noise(to_model_inputs(pool.batch(rng, batch), "cpu")) for _ in range(rows // batch)]
    return batches


def _with_noise(inputs):
    h, w = inputs["context"].shape[-2:]
    return dict(inputs, noise=torch.randn(len(inputs["action"]), 3, h, w))


def step(model, inputs):
    """(sampled codes [B, H/p, W/p], pose delta) as the exported graph computes them."""
    level = model.cfg.context_noise_inference
    noise = inputs["noise"]
    conditioning = model.condition(inputs["context"], inputs["memory"], inputs["memory_pose"],
                                   noise=level * context_noise(noise, model.cfg.context_frames) if level > 0 else None,
                                   view_pose=inputs.get("view_pose"))
    logits, mid = model.token_logits(conditioning, inputs["action"])
    return model.sample_tokens(logits, noise), model.pose_delta(mid, inputs["action"]) / model.cfg.pose_scale


@torch.no_grad()
def activation_ranges(model, batches, outliers=OUTLIERS) -> dict:
    """{conv name: (input lo, input hi, output lo, output hi)} over the batches, `outliers` let out at each end."""
    convs = conv_modules(model)
    seen = {name: ([], []) for name in convs}
    generator = torch.Generator().manual_seed(0)

    def sample(values):
        flat = values.detach().flatten()
        return flat[torch.randint(len(flat), (SAMPLE_PER_BATCH,), generator=generator)] if len(flat) > SAMPLE_PER_BATCH else flat

    def hook(name):
        def record(module, args, output):
            seen[name][0].append(sample(args[0]))
            seen[name][1].append(sample(output))
        return record

    handles = [m.register_forward_hook(hook(name)) for name, m in convs.items()]
    try:
        for inputs in batches:
            step(model, inputs)
    finally:
        for handle in handles:
            handle.remove()
    ranges = {}
    for name, (inputs, outputs) in seen.items():
        if inputs:
            x, y = torch.cat(inputs), torch.cat(outputs)
            q = torch.tensor([outliers, 1 - outliers])
            ranges[name] = tuple(float(v) for v in (*torch.quantile(x, q), *torch.quantile(y, q)))
    return ranges


# ---------------------------------------------------------------------------------------------------------------------
# The same arithmetic in PyTorch, to measure what it changes before any graph is written

def _fake(x, scale, zero):
    return (torch.clamp(torch.round(x / float(scale)) + int(zero), 0, 255) - int(zero)) * float(scale)


@contextlib.contextmanager
def emulated(model, ranges, convs=(), codebook=False, prior_codebook=False):
    """The model computing as the int8 graph would: the named convolutions (input, weights, bias, output rounded as
    QLinearConv rounds them), the context and memory codebook search, the memory prior's codebook search."""
    modules = conv_modules(model)
    saved, handles = {}, []
    originals = (model_module.quantize, model.__dict__.get("_quantized"))  # before the try: its finally restores them
    try:
        for name in convs:
            m = modules[name]
            lo, hi, out_lo, out_hi = ranges[name]
            sx, zx = activation_scale(lo, hi)
            sy, zy = activation_scale(out_lo, out_hi)
            w = m.weight.detach().numpy()
            sw = weight_scales(w, 0)
            saved[name] = (m.weight.data.clone(), None if m.bias is None else m.bias.data.clone())
            m.weight.data = torch.from_numpy(int8_weights(w, sw, 0).astype(np.float32) * sw[:, None, None, None])
            if m.bias is not None:
                bias_scale = torch.from_numpy(sx * sw)
                m.bias.data = torch.round(m.bias.data / bias_scale) * bias_scale
            handles.append(m.register_forward_pre_hook(lambda _, args, s=sx, z=zx: (_fake(args[0], s, z),)))
            handles.append(m.register_forward_hook(lambda _, args, out, s=sy, z=zy: _fake(out, s, z)))
        if prior_codebook:
            model_module.quantize = lambda frames, book, patch: int8_quantize(frames, book, patch)
        if codebook:
            def quantized(frames):
                b, n = frames.shape[:2]
                _, rebuilt = int8_quantize(frames.flatten(0, 1), model.codebook, model.cfg.patch)
                return rebuilt.reshape(b, n, *frames.shape[2:])
            model._quantized = quantized
        yield model
    finally:
        for handle in handles:
            handle.remove()
        for name, (weight, bias) in saved.items():
            modules[name].weight.data = weight
            if bias is not None:
                modules[name].bias.data = bias
        model_module.quantize = originals[0]
        if originals[1] is None:
            model.__dict__.pop("_quantized", None)


def int8_quantize(frames, codebook, patch):
    """codebook.quantize with the search in the int8 graph's arithmetic: 8-bit patches, the int8-rounded codebook."""
    h, w = frames.shape[-2:]
    book = codebook.detach().numpy()
    scales = weight_scales(book, 0)
    rounded = torch.from_numpy(int8_weights(book, scales, 0).astype(np.float32) * scales[:, None])
    patches = torch.round(to_patches(frames, patch) * 255) / 255
    scores = 2 * patches @ rounded.T - (rounded ** 2).sum(1)
    codes = scores.argmax(-1)
    return codes, from_patches(codebook[codes], patch, h, w)


@torch.no_grad()
def float_steps(model, batches) -> list:
    """What the float model draws for each batch: agreement()'s reference."""
    return [step(model, inputs) for inputs in batches]


@torch.no_grad()
def agreement(model, batches, ranges, reference=None, **emulate) -> dict:
    """Share of sampled codes the emulated int8 model draws as the float model does (same inputs, same noise), and
    its largest pose-delta difference. `reference`: float_steps(model, batches), if already computed."""
    same = total = 0
    pose_error = 0.0
    for inputs, (codes, pose) in zip(batches, reference or float_steps(model, batches)):
        with emulated(model, ranges, **emulate):
            codes8, pose8 = step(model, inputs)
        same += int((codes == codes8).sum())
        total += codes.numel()
        pose_error = max(pose_error, float((pose - pose8).abs().max()))
    return {"same_codes": same / total, "pose_max_diff": pose_error}


# ---------------------------------------------------------------------------------------------------------------------
# The graph

def quantized_graph(model: onnx.ModelProto, ranges: dict, convs, codebook_searches=True, blockwise_draw=True,
                    scattered_prior=True, blockwise_search=True) -> onnx.ModelProto:
    """The graph with the named convolutions in QDQ form, (with `codebook_searches`) every codebook search an
    integer product, (with `blockwise_draw`) the sampler's draw in two levels, (with `scattered_prior`) the memory
    prior added where it adds something and (with `blockwise_search`) the searches' argmax in two levels; everything
    else as it was."""
    model = copy.deepcopy(model)
    graph = model.graph
    initializers = {i.name: i for i in graph.initializer}
    added, nodes = [], []
    by_weight = {f"{name}.weight": name for name in convs}
    searches = _codebook_searches(graph, initializers) if codebook_searches else {}
    codes = numpy_helper.to_array(initializers["codebook"]).shape[0] if "codebook" in initializers else 0
    # A draw is written where its last node was: every input it reads is there.
    draws = {chain[-1].name: chain for chain in _draws(graph)} if blockwise_draw and codes % DRAW_BLOCK == 0 else {}
    skipped = {n.name for chain in draws.values() for n in chain[:-1]}
    priors = _prior_additions(graph, codes) if scattered_prior and codes else {}
    # The searches' scores, whose ArgMax runs in blocks.
    searched = {sub.output[0] for _, sub in searches.values()} if blockwise_search and codes % SEARCH_BLOCK == 0 else set()
    for node in graph.node:
        if node.name in priors:
            nodes += _scattered_prior(*priors[node.name])
        elif node.name in draws:
            cumsum, less, _, reduce_sum = draws[node.name]
            replaced, init = _blockwise_draw(cumsum, less, reduce_sum, codes, DRAW_BLOCK)
            nodes += replaced
            added += init
        elif node.op_type == "ArgMax" and node.input[0] in searched and _is_plain_argmax(node):
            replaced, init = _blockwise_first_max(node, codes, SEARCH_BLOCK)
            nodes += replaced
            added += init
        elif node.op_type == "Conv" and node.input[1] in by_weight:
            nodes += _qdq_conv(node, ranges[by_weight[node.input[1]]], initializers, added)
        elif node.name in searches:
            matmul, sub = searches[node.name]
            nodes += _integer_search(matmul, sub, initializers, added)
            skipped.add(sub.name)
        elif node.name not in skipped:
            nodes.append(node)
    missing = set(by_weight) - {n.input[1] for n in graph.node if n.op_type == "Conv"}
    if missing:
        raise ValueError(f"no Conv in the graph uses {sorted(missing)}")
    del graph.node[:]
    graph.node.extend(nodes)
    _without_dead_nodes(graph)
    used = {name for node in graph.node for name in node.input}
    kept = [i for i in graph.initializer if i.name in used] + added
    del graph.initializer[:]
    graph.initializer.extend(kept)
    if codebook_searches and searches and not any(o.domain == CONTRIB for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid(CONTRIB, 1))
    onnx.checker.check_model(model)
    return model


def frame_inputs(world_json: dict) -> tuple:
    """The names of a package's context and memory inputs (no memory input without memory slots)."""
    return tuple(world_json["inputs"][role]["name"] for role in ("context", "memory") if role in world_json["inputs"])


def snapped_frames_graph(model: onnx.ModelProto, frames=("context", "memory")) -> onnx.ModelProto:
    """The int8 graph that takes its context and memory frames already snapped to the codebook (world.json
    `int8.snapped_frames`): each frame search's rebuilt patches (`Gather(codebook, nearest code)`) become the patches
    as they came in, and the search is dropped. The server snaps the frames it did not make itself (starts, a
    reference world's frames, JPEG memories) before they go in; the frames the model made are codebook patches
    already, so for them the search only found what they were. The memory prior's search of the turned memories
    stays: turning makes new patches. `frames`: the context and memory tensors' names (a pool graph gathers its
    context into the same name)."""
    model = copy.deepcopy(model)
    graph = model.graph
    producers = {o: n for n in graph.node for o in n.output}
    consumers = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    values = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    values.update({n.output[0]: numpy_helper.to_array(n.attribute[0].t) for n in graph.node if n.op_type == "Constant"})

    def reads_frames(name):  # whether input 0, followed back, reaches a frame input before a codebook patch
        for _ in range(40):
            if name in frames:
                return True
            node = producers.get(name)
            if node is None or (node.op_type == "Gather" and node.input[0] == "codebook"):
                return False
            name = node.input[0]
        return False

    def rebuilt_by(search):  # the Gather(codebook, ·) that reads the search's nearest codes
        seen, frontier = set(), [search.output[0]]
        while frontier:
            name = frontier.pop()
            for node in consumers.get(name, []):
                if node.op_type == "Gather" and node.input[0] == "codebook":
                    return node
                if id(node) not in seen and node.op_type != "Shape":
                    seen.add(id(node))
                    frontier += list(node.output)
        raise ValueError(f"no Gather(codebook, ·) reads the codes of {search.name}")

    rewired = {}
    for search in [n for n in graph.node if n.op_type == "MatMulIntegerToFloat" and n.input[1] == "codebook_int8"]:
        quantize = producers[search.input[0]]  # QuantizeLinear(2·patches)
        double = producers.get(quantize.input[0])
        if double is None or double.op_type != "Mul" or not np.array_equal(values.get(double.input[1]), np.float32(2)):
            raise ValueError(f"{search.name} does not search 2·patches")
        if reads_frames(double.input[0]):
            rewired[rebuilt_by(search).output[0]] = double.input[0]
    if len(rewired) != len(frames):
        raise ValueError(f"found {len(rewired)} frame searches, not {len(frames)}: not an int8 graph of a token model, "
                         "or one that takes snapped frames already")
    for node in graph.node:
        node.input[:] = [rewired.get(name, name) for name in node.input]
    _without_dead_nodes(graph)
    used = {name for node in graph.node for name in node.input}
    kept = [i for i in graph.initializer if i.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    onnx.checker.check_model(model)
    return model


def _qdq_conv(node, ranges, initializers, added) -> list:
    name = node.name or node.output[0]
    lo, hi, out_lo, out_hi = ranges
    sx, zx = activation_scale(lo, hi)
    sy, zy = activation_scale(out_lo, out_hi)
    w = numpy_helper.to_array(initializers[node.input[1]])
    sw = weight_scales(w, 0)
    prefix = f"{name}_int8"
    added += [numpy_helper.from_array(np.array(sx), f"{prefix}_x_scale"), numpy_helper.from_array(np.array(zx), f"{prefix}_x_zero"),
              numpy_helper.from_array(np.array(sy), f"{prefix}_y_scale"), numpy_helper.from_array(np.array(zy), f"{prefix}_y_zero"),
              numpy_helper.from_array(int8_weights(w, sw, 0), f"{prefix}_w"), numpy_helper.from_array(sw, f"{prefix}_w_scale")]
    x, y = node.input[0], node.output[0]
    out = [helper.make_node("QuantizeLinear", [x, f"{prefix}_x_scale", f"{prefix}_x_zero"], [f"{prefix}_xq"]),
           helper.make_node("DequantizeLinear", [f"{prefix}_xq", f"{prefix}_x_scale", f"{prefix}_x_zero"], [f"{prefix}_x"]),
           helper.make_node("DequantizeLinear", [f"{prefix}_w", f"{prefix}_w_scale"], [f"{prefix}_wf"], axis=0)]
    inputs = [f"{prefix}_x", f"{prefix}_wf"]
    if len(node.input) > 2 and node.input[2]:
        b = numpy_helper.to_array(initializers[node.input[2]])
        bias_scale = (sx * sw).astype(np.float32)
        added += [numpy_helper.from_array(np.round(b / bias_scale).astype(np.int32), f"{prefix}_b"),
                  numpy_helper.from_array(bias_scale, f"{prefix}_b_scale")]
        out.append(helper.make_node("DequantizeLinear", [f"{prefix}_b", f"{prefix}_b_scale"], [f"{prefix}_bf"], axis=0))
        inputs.append(f"{prefix}_bf")
    conv = copy.deepcopy(node)
    del conv.input[:]
    conv.input.extend(inputs)
    conv.output[0] = f"{prefix}_y"
    out += [conv,
            helper.make_node("QuantizeLinear", [f"{prefix}_y", f"{prefix}_y_scale", f"{prefix}_y_zero"], [f"{prefix}_yq"]),
            helper.make_node("DequantizeLinear", [f"{prefix}_yq", f"{prefix}_y_scale", f"{prefix}_y_zero"], [y])]
    return out


def _codebook_searches(graph, initializers) -> dict:
    """{MatMul name: (MatMul, Sub)} for each `2·patches @ codebookᵀ − |code|²` of codebook.quantize, found by its
    weight: the graph's codebook, transposed."""
    book = numpy_helper.to_array(initializers["codebook"]) if "codebook" in initializers else None
    if book is None:
        return {}
    consumers = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    found = {}
    for node in graph.node:
        if node.op_type != "MatMul" or node.input[1] not in initializers:
            continue
        weight = numpy_helper.to_array(initializers[node.input[1]])
        users = consumers.get(node.output[0], [])
        if weight.shape == book.T.shape and np.array_equal(weight, book.T) and [u.op_type for u in users] == ["Sub"]:
            found[node.name] = (node, users[0])
    return found


def _integer_search(matmul, sub, initializers, added) -> list:
    """`scores = patches2 @ codebookᵀ − |code|²` (patches2 = 2·patch, in [0, 2] on the 8-bit grid) as one
    MatMulIntegerToFloat over uint8 patches and the int8 codebook, with −|rounded code|² as its bias."""
    book = numpy_helper.to_array(initializers[matmul.input[1]]).T  # [codes, 3·p·p]
    scales = weight_scales(book, 0)
    rounded = int8_weights(book, scales, 0)
    norms = ((rounded.astype(np.float64) * scales[:, None]) ** 2).sum(1).astype(np.float32)
    prefix = f"{matmul.name}_int8"
    if "codebook_int8" not in {i.name for i in added}:
        added += [numpy_helper.from_array(rounded.T.copy(), "codebook_int8"), numpy_helper.from_array(scales, "codebook_int8_scale"),
                  numpy_helper.from_array(-norms, "codebook_int8_minus_norms"),
                  numpy_helper.from_array(np.array(2 / 255, np.float32), "patches2_scale"),
                  numpy_helper.from_array(np.array(0, np.uint8), "patches2_zero")]
    return [helper.make_node("QuantizeLinear", [matmul.input[0], "patches2_scale", "patches2_zero"], [f"{prefix}_patches"]),
            helper.make_node("MatMulIntegerToFloat",
                             [f"{prefix}_patches", "codebook_int8", "patches2_scale", "codebook_int8_scale", "patches2_zero", "",
                              "codebook_int8_minus_norms"],
                             [sub.output[0]], name=f"{prefix}_scores", domain=CONTRIB)]


def _constant(graph, name):
    """The value of `name` if an initializer or a Constant node holds it, else None."""
    for i in graph.initializer:
        if i.name == name:
            return numpy_helper.to_array(i)
    for node in graph.node:
        if node.op_type == "Constant" and node.output[0] == name and node.attribute[0].name == "value":
            return numpy_helper.to_array(node.attribute[0].t)
    return None


def _prior_additions(graph, codes) -> dict:
    """{name of `logits + added`: (that Add, logits, [(codes, weight) per memory slot])} for the memory prior's
    `added = Σ weight · (codes == arange)`: a one-hot over every code, per slot, to add one number per patch."""
    producers = {o: n for n in graph.node for o in n.output}
    ids = np.arange(codes).reshape(1, codes, 1, 1)

    def unit_axis(name):  # whether `name` is made by inserting axis 1: [B, 1, h, w] beside the codes' [1, C, 1, 1]
        node = producers.get(name)
        axes = _constant(graph, node.input[1]) if node is not None and node.op_type == "Unsqueeze" and len(node.input) > 1 else None
        return axes is not None and axes.tolist() == [1]

    def term(name):  # (codes, weight) of `weight · cast(codes == ids)`, else None
        mul = producers.get(name)
        if mul is None or mul.op_type != "Mul":
            return None
        for w, cast_name in (mul.input, reversed(mul.input)):
            cast = producers.get(cast_name)
            equal = producers.get(cast.input[0]) if cast is not None and cast.op_type == "Cast" else None
            if equal is None or equal.op_type != "Equal":
                continue
            for c, other in (equal.input, reversed(equal.input)):
                value = _constant(graph, other)
                if value is not None and value.shape == ids.shape and np.array_equal(value, ids) and unit_axis(c) and unit_axis(w):
                    return c, w
        return None

    def chain(name):  # the terms of `0 + t1 + t2 …`, else None
        node = producers.get(name)
        if node is None:
            return None
        if node.op_type == "ConstantOfShape":
            value = node.attribute[0].t if node.attribute else None
            return [] if value is None or not numpy_helper.to_array(value).any() else None
        if node.op_type != "Add":
            return None
        rest, last = chain(node.input[0]), term(node.input[1])
        return None if rest is None or last is None else rest + [last]

    found = {}
    for node in graph.node:
        if node.op_type == "Add":
            for logits, added in (node.input, reversed(node.input)):
                terms = chain(added)
                if terms:
                    found[node.name] = (node, logits, terms)
                    break
    inside = {name for node, _, _ in found.values() for name in node.input}  # an Add of the chain itself
    return {name: match for name, match in found.items() if match[0].output[0] not in inside}


def _scattered_prior(add, logits, terms) -> list:
    """The prior's additions as one ScatterElements per slot: each weight added to the logit of its slot's code."""
    nodes, current = [], logits
    for slot, (codes, weight) in enumerate(terms):
        out = add.output[0] if slot == len(terms) - 1 else f"{add.name}_prior_{slot}"
        nodes.append(helper.make_node("ScatterElements", [current, codes, weight], [out], axis=1, reduction="add",
                                      name=f"{add.name}_prior_scatter_{slot}"))
        current = out
    return nodes


def _blockwise_first_max(node, codes, block) -> tuple:
    """(nodes, initializers): ArgMax over the last axis of `codes` scores (first index of the largest) in two levels:
    the largest of each block of `block` codes, the first block holding the largest of all, then the first code
    within it holding that. The same index, ties included; ONNX Runtime's CPU provider reduces a max with vector
    instructions but takes an ArgMax one score at a time (8,192 patches × 512 codes on one thread: 3.0 ms as ArgMax,
    2.2 as TopK, 1.5 in blocks of 32)."""
    n = f"{node.name or node.output[0]}_blockwise"
    init = [numpy_helper.from_array(np.array(v, np.int64), f"{n}_{k}") for k, v in
            (("blocks", [-1, codes // block, block]), ("rows", [-1, block]), ("last", [-1]), ("expand", [1, 1, block]),
             ("block", block), ("start", [0]), ("end", [-1]))]
    nodes = [
        helper.make_node("Reshape", [node.input[0], f"{n}_blocks"], [f"{n}_scores"]),
        helper.make_node("ReduceMax", [f"{n}_scores"], [f"{n}_block_max"], axes=[-1], keepdims=0),
        helper.make_node("ArgMax", [f"{n}_block_max"], [f"{n}_b"], axis=-1, keepdims=1),
        helper.make_node("Unsqueeze", [f"{n}_b", f"{n}_last"], [f"{n}_b3"]),
        helper.make_node("Expand", [f"{n}_b3", f"{n}_expand"], [f"{n}_bx"]),
        helper.make_node("GatherElements", [f"{n}_scores", f"{n}_bx"], [f"{n}_row3"], axis=1),
        helper.make_node("Reshape", [f"{n}_row3", f"{n}_rows"], [f"{n}_row"]),
        helper.make_node("ArgMax", [f"{n}_row"], [f"{n}_i"], axis=-1, keepdims=1),
        helper.make_node("Mul", [f"{n}_b", f"{n}_block"], [f"{n}_first"]),
        helper.make_node("Add", [f"{n}_first", f"{n}_i"], [f"{n}_index"]),
        helper.make_node("Shape", [node.input[0]], [f"{n}_shape"]),
        helper.make_node("Slice", [f"{n}_shape", f"{n}_start", f"{n}_end"], [f"{n}_out_shape"]),
        helper.make_node("Reshape", [f"{n}_index", f"{n}_out_shape"], [node.output[0]]),
    ]
    return nodes, init


def _is_plain_argmax(node) -> bool:
    """ArgMax over the last axis, without the kept axis, first index on ties: what codebook.quantize exports."""
    attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
    return attrs.get("axis", 0) == -1 and attrs.get("keepdims", 1) == 0 and attrs.get("select_last_index", 0) == 0


def _without_dead_nodes(graph):
    """Drops nodes whose outputs nothing reads (what a rewrite left behind), until none is left."""
    while True:
        used = {name for node in graph.node for name in node.input} | {o.name for o in graph.output}
        dead = [n for n in graph.node if not any(o in used for o in n.output)]
        if not dead:
            return
        keep = [n for n in graph.node if any(o in used for o in n.output)]
        del graph.node[:]
        graph.node.extend(keep)


def _draws(graph) -> list:
    """The sampler's draw, `count(cumsum(softmax) < uniform)` over the codes: [(CumSum, Less, Cast, ReduceSum)]."""
    producers = {o: n for n in graph.node for o in n.output}
    consumers = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    found = []
    for cumsum in graph.node:
        if cumsum.op_type != "CumSum" or producers.get(cumsum.input[0], cumsum).op_type != "Softmax":
            continue
        chain = [cumsum]
        for op in ("Less", "Cast", "ReduceSum"):
            users = consumers.get(chain[-1].output[0], [])
            if len(users) != 1 or users[0].op_type != op:
                break
            chain.append(users[0])
        if len(chain) == 4 and chain[1].input[0] == cumsum.output[0]:
            found.append(tuple(chain))
    return found


def _blockwise_draw(cumsum, less, reduce_sum, codes, block) -> tuple:
    """The same draw in two levels: first the block of `block` codes whose cumulative probability passes the uniform,
    then the code within it. A cumulative sum over 512 codes, a comparison and a count of each are the sampler's
    most expensive steps on a CPU; here they run over 512 / block blocks and one block. The same distribution; the
    sums are added in another order, so a draw within a rounding error of a boundary may land on its other side."""
    groups = codes // block
    p, u, out = cumsum.input[0], less.input[1], reduce_sum.output[0]
    n = f"{cumsum.name or 'draw'}_blockwise"
    init = [numpy_helper.from_array(np.array(v, np.int64), f"{n}_{k}") for k, v in
            (("blocks_shape", [0, 0, 0, groups, block]), ("codes_shape", [0, 0, 0, block]), ("last", [-1]), ("axis", -1),
             ("top", groups - 1), ("block", block), ("expand", [1, 1, 1, 1, block]))]
    nodes = [
        helper.make_node("Reshape", [p, f"{n}_blocks_shape"], [f"{n}_p"]),
        helper.make_node("ReduceSum", [f"{n}_p", f"{n}_last"], [f"{n}_mass"], keepdims=0),
        helper.make_node("CumSum", [f"{n}_mass", f"{n}_axis"], [f"{n}_cdf"]),
        helper.make_node("Less", [f"{n}_cdf", u], [f"{n}_below"]),
        helper.make_node("Cast", [f"{n}_below"], [f"{n}_below64"], to=TensorProto.INT64),
        helper.make_node("ReduceSum", [f"{n}_below64", f"{n}_last"], [f"{n}_passed"], keepdims=1),
        helper.make_node("Min", [f"{n}_passed", f"{n}_top"], [f"{n}_j"]),
        helper.make_node("Sub", [f"{n}_cdf", f"{n}_mass"], [f"{n}_before"]),
        helper.make_node("GatherElements", [f"{n}_before", f"{n}_j"], [f"{n}_base"], axis=-1),
        helper.make_node("Sub", [u, f"{n}_base"], [f"{n}_u"]),
        helper.make_node("Unsqueeze", [f"{n}_j", f"{n}_last"], [f"{n}_j5"]),
        helper.make_node("Expand", [f"{n}_j5", f"{n}_expand"], [f"{n}_jx"]),
        helper.make_node("GatherElements", [f"{n}_p", f"{n}_jx"], [f"{n}_pj5"], axis=3),
        helper.make_node("Reshape", [f"{n}_pj5", f"{n}_codes_shape"], [f"{n}_pj"]),
        helper.make_node("CumSum", [f"{n}_pj", f"{n}_axis"], [f"{n}_cj"]),
        helper.make_node("Less", [f"{n}_cj", f"{n}_u"], [f"{n}_in"]),
        helper.make_node("Cast", [f"{n}_in"], [f"{n}_in64"], to=TensorProto.INT64),
        helper.make_node("ReduceSum", [f"{n}_in64", f"{n}_last"], [f"{n}_i"], keepdims=0),
        helper.make_node("Squeeze", [f"{n}_j", f"{n}_last"], [f"{n}_j3"]),
        helper.make_node("Mul", [f"{n}_j3", f"{n}_block"], [f"{n}_first"]),
        helper.make_node("Add", [f"{n}_first", f"{n}_i"], [out]),
    ]
    return nodes, init


# ---------------------------------------------------------------------------------------------------------------------
# The package

def split(shards, held_out_names, episodes) -> tuple:
    """(the shards' first `episodes` training episodes, the held-out ones: the run's own, else the shards' last two)."""
    held_out = [e for e in shards.episodes if e.name in held_out_names] or shards.episodes[-2:]
    names = {e.name for e in held_out}
    return [e for e in shards.episodes if e.name not in names][:episodes], held_out


def calibrate(model, cfg, training, held_out, keep_float=None) -> tuple:
    """(ranges, convolutions to run in int8, report): ranges from `training` episodes; on `held_out` ones, the share of
    codes each convolution flips alone, and what the codebook searches and the whole int8 model flip. `keep_float`:
    the convolutions to keep in float32, instead of those flipping over MAX_FLIPPED_ALONE alone."""
    batches = calibration_batches(model, training, cfg.data)
    ranges = activation_ranges(model, batches)
    names = list(conv_modules(model))
    checks = calibration_batches(model, held_out, cfg.data, rows=128, rollouts=16, seed=1)
    reference = float_steps(model, checks)
    alone = {}
    if keep_float is None:
        alone = {name: agreement(model, checks, ranges, reference, convs=[name]) for name in names}
        keep_float = [name for name in names if 1 - alone[name]["same_codes"] > MAX_FLIPPED_ALONE]
    unknown = set(keep_float) - set(names)
    if unknown:
        raise ValueError(f"no convolution of the model is named {sorted(unknown)}; they are {names}")
    convs = [n for n in names if n not in keep_float]
    report = {
        "calibration": {"episodes": [e.name for e in training], "rows": sum(len(b["action"]) for b in batches)},
        "check": {"episodes": [e.name for e in held_out], "rows": sum(len(b["action"]) for b in checks)},
        "kept_in_float": list(keep_float), "ranges": ranges, "alone": alone,
        "codebook_searches": agreement(model, checks, ranges, reference, codebook=True),
        "prior_codebook_search": agreement(model, checks, ranges, reference, prior_codebook=True),
        "int8_graph": agreement(model, checks, ranges, reference, convs=convs, codebook=True, prior_codebook=True),
    }
    return ranges, convs, report


def add_int8(folder, graph: onnx.ModelProto, world_json: dict, ranges: dict, convs, report: dict) -> dict:
    """Writes the int8 graph of a package's graph (and of its pool graph, if it has one); returns world.json naming
    them, with what calibration measured. `ranges`, `convs`, `report`: calibrate()'s."""
    int8 = snapped_frames_graph(quantized_graph(graph, ranges, convs), frame_inputs(world_json))
    problems = mismatches(world_json, int8.graph)
    if problems:
        raise ValueError("int8 graph does not match world.json: " + "; ".join(problems))
    onnx.save(int8, str(folder / MODEL))
    named = {"onnx": MODEL, "snapped_frames": True}
    if "context_pool" in world_json:
        onnx.save(context_pool_graph(int8, world_json), str(folder / POOL))
        named["context_pool"] = POOL
    named["calibration"] = {"episodes": len(report["calibration"]["episodes"]), "rows": report["calibration"]["rows"],
                            "kept_in_float": report["kept_in_float"],
                            "same_codes_as_float": round(report["int8_graph"]["same_codes"], 4)}
    return dict(world_json, int8=named)
