#!/usr/bin/env python3
"""Writes a checkpoint of the same token model at twice the channels, computing the same frames (Net2WiderNet;
worldweb_training/widen.py), for a run to go on from with more room:

    python3 training/widen.py training/checkpoints/paint14/checkpoint.pt /tmp/paint14_wide.pt
    python3 training/train.py --config training/configs/cpu-2core-paint18.json --init-from /tmp/paint14_wide.pt --keep-optimizer …
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from worldweb_training import checkpoint
from worldweb_training.widen import widen_checkpoint


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("checkpoint")
    p.add_argument("out")
    p.add_argument("--seed", type=int, default=0, help="for the split of each read weight between its copies")
    args = p.parse_args()
    saved = checkpoint.load(args.checkpoint)
    wide = widen_checkpoint(saved, args.seed)
    checkpoint.save_atomically(wide, args.out)
    print(f"{args.checkpoint}: widths {list(saved['config']['model']['widths'])} → "
          f"{wide['config']['model']['widths']}, written to {args.out}")


if __name__ == "__main__":
    main()
