#!/usr/bin/env python3
"""Spreads a token package's sampler uniforms over neighbouring patches, in place: its graphs and world.json.

    python3 training/uniform_reach.py --package models/NAME --reach 15

The sampler draws each patch by inverse CDF from a uniform made of the noise input at that patch (model.py,
`sample_tokens`). With independent uniforms, a patch the model is unsure of (a fresh mark: lime, the wall or white)
comes out as speckles, each patch drawn on its own. With `uniform_reach` r, each position's uniform is made from the
noise summed over the (2r+1)² positions around it, over √n, so it is standard normal again and each patch keeps its
own distribution, but neighbours with alike distributions draw alike patches. This is the same rule as the
`uniform_reach` model setting at export, written into an existing graph (noise → Gather → Slice → Slice → Div →
Erf) so a shipped package gets it without its checkpoint and without calibrating its int8 graph again. The graphs
are stepped by the server as before: frames stay deterministic for the same inputs.
"""
import argparse
import json
from pathlib import Path

import numpy as np
import onnx
from onnx import helper, numpy_helper


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--package", required=True, type=Path)
    p.add_argument("--reach", required=True, type=int, help="patches on each side (15 or more: one uniform per frame)")
    return p.parse_args(argv)


def window_factor(grid, reach):
    """k² / √n per position of a grid×grid map: turns a zero-padded average over (2r+1)² into a sum over √n."""
    k = 2 * reach + 1
    ones = np.pad(np.ones((grid, grid)), reach)
    counts = np.array([[ones[y:y + k, x:x + k].sum() for x in range(grid)] for y in range(grid)])
    return (k * k / np.sqrt(counts))[None, None]


def sampler_erf(graph):
    """The Erf of the sampler's uniforms and the node feeding it (its input traces back to the noise input)."""
    producer = {o: n for n in graph.node for o in n.output}
    for node in graph.node:
        if node.op_type != "Erf":
            continue
        divide = producer.get(node.input[0])
        x, hops = divide.input[0] if divide is not None else None, 0
        while x in producer and hops < 6:
            x, hops = producer[x].input[0], hops + 1
        if divide is not None and divide.op_type == "Div" and x == "noise":
            return divide
    return None


def divisor_dtype(graph, name):
    """The element type of the sampler's divisor (√2), an initializer or a Constant node's value."""
    for initializer in graph.initializer:
        if initializer.name == name:
            return numpy_helper.to_array(initializer).dtype
    for node in graph.node:
        if node.op_type == "Constant" and node.output[0] == name:
            return numpy_helper.to_array(node.attribute[0].t).dtype
    raise SystemExit(f"the sampler's divisor {name} is neither an initializer nor a Constant")


def rewrite(path, reach):
    model = onnx.load(str(path))
    graph = model.graph
    divide = sampler_erf(graph)
    if divide is None:
        return False
    if any(n.name.startswith("uniform_reach/") for n in graph.node):
        raise SystemExit(f"{path} already spreads its uniforms")
    dtype = divisor_dtype(graph, divide.input[1])  # float16 in a half graph
    grid = 64 // 4  # the frame's patches on a side (main checks the package's frame and patch)
    z = divide.input[0]
    factor = numpy_helper.from_array(window_factor(grid, reach).astype(dtype), "uniform_reach/factor")
    axes = numpy_helper.from_array(np.array([1], np.int64), "uniform_reach/axes")
    graph.initializer.extend([factor, axes])
    k = 2 * reach + 1
    nodes = [
        helper.make_node("Unsqueeze", [z, axes.name], ["uniform_reach/z4"], name="uniform_reach/unsqueeze"),
        helper.make_node("AveragePool", ["uniform_reach/z4"], ["uniform_reach/mean"], name="uniform_reach/pool",
                         kernel_shape=[k, k], strides=[1, 1], pads=[reach] * 4, count_include_pad=1),
        helper.make_node("Mul", ["uniform_reach/mean", factor.name], ["uniform_reach/sum"], name="uniform_reach/scale"),
        helper.make_node("Squeeze", ["uniform_reach/sum", axes.name], ["uniform_reach/z"], name="uniform_reach/squeeze"),
    ]
    divide.input[0] = "uniform_reach/z"
    at = list(graph.node).index(divide)
    for offset, node in enumerate(nodes):
        graph.node.insert(at + offset, node)
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return True


def main(argv=None):
    args = parse_args(argv)
    if args.reach < 1:
        raise SystemExit("--reach is at least 1 (0 is the graph as exported)")
    world = json.loads((args.package / "world.json").read_text())
    if world.get("sampler", {}).get("kind") != "codebook-tokens":
        raise SystemExit(f"{args.package} is not a codebook-tokens package")
    frame = world["frame"]
    if (frame["width"], frame["height"]) != (64, 64) or world["sampler"]["patch"] != 4:
        raise SystemExit("only 64×64 frames of 4×4 patches are rewritten")
    rewritten = [p.name for p in sorted(args.package.glob("*.onnx")) if rewrite(p, args.reach)]
    if not rewritten:
        raise SystemExit(f"no graph of {args.package} has the sampler's Erf")
    world["sampler"]["uniform_reach"] = args.reach
    (args.package / "world.json").write_text(json.dumps(world, indent=2) + "\n")
    print(f"{args.package}: uniforms reach {args.reach} patches in {', '.join(rewritten)}")


if __name__ == "__main__":
    main()
