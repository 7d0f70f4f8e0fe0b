#!/usr/bin/env python3
"""Classifier two-sample test of two sets of frames: how well a small CNN tells them apart on held-out episodes.

    /usr/bin/python3 training/c2st.py --a model.npy --b world.npy --a-episodes ea.npy --b-episodes eb.npy --json out.json

Frames are uint8 [N, H, W, 3] .npy; episodes (and optional groups) are one int per frame. Frames of one episode are
kept together (split by episode, never by frame). Writes the result as JSON to --json, or prints it
(worldweb_training/c2st.py says what is in it). `./worldweb eval` runs this on free play beside the reference world.
"""
import argparse
import json
import sys
from pathlib import Path

try:
    import numpy as np
    from worldweb_training.c2st import FOLDS, c2st
except ImportError as missing:
    sys.exit(f"c2st.py needs numpy and torch ({missing})")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for side in ("a", "b"):
        p.add_argument(f"--{side}", required=True, type=Path, help=f"frames of set {side.upper()}, uint8 [N, H, W, 3]")
        p.add_argument(f"--{side}-episodes", required=True, type=Path, help="episode of each frame, int [N]")
        p.add_argument(f"--{side}-groups", type=Path, help="group of each frame (accuracy is broken down by group)")
    p.add_argument("--folds", type=int, default=FOLDS)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--repeats", type=int, default=1, help="deal the folds this many times (each frame tested as often)")
    p.add_argument("--json", type=Path)
    args = p.parse_args(argv)
    load = lambda path: None if path is None else np.load(path)
    try:
        result = c2st(load(args.a), load(args.b), load(args.a_episodes), load(args.b_episodes),
                      load(args.a_groups), load(args.b_groups), folds=args.folds, seed=args.seed, repeats=args.repeats,
                      log=lambda line: print(line, flush=True))
    except ValueError as e:
        sys.exit(str(e))
    text = json.dumps(result)
    if args.json:
        args.json.write_text(text + "\n")
    else:
        print(text)
    print(f"accuracy {result['accuracy']} over {result['episodes']} episodes in {result['seconds']} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
