"""One training run: its model, optimizer, data and progress, and its out/ directory."""
import json
import time
from pathlib import Path

import numpy as np
import torch

from . import checkpoint
from .config import config_from_dict, load_config
from .data import ShardSet, WindowSampler, to_model_inputs
from .evaluation import HeldOutBatch
from .hardware import describe
from .model import WorldModel
from .objective import training_loss
from .schedule import learning_rate


class Run:
    """One training run's state and its out/ directory (checkpoint.pt, log.jsonl)."""

    def __init__(self, args, device, default_data: Path):
        self.out, self.device = args.out, device
        self.out.mkdir(parents=True, exist_ok=True)
        saved = None
        if args.resume and (self.out / "checkpoint.pt").exists():
            saved = checkpoint.load(self.out / "checkpoint.pt")
        elif args.resume:
            print(f"no checkpoint in {self.out}: starting fresh", flush=True)
        self.cfg = config_from_dict(saved["config"]) if saved else load_config(args.config)
        data_dir = args.data or (Path(saved["data"]["shards"]) if saved else default_data)
        shards = ShardSet.load(data_dir)
        held_out = self.cfg.data.eval_episodes
        if len(shards.episodes) <= held_out:
            raise SystemExit(f"{data_dir}: {len(shards.episodes)} episodes; need more than the "
                             f"{held_out} held out for evaluation")
        self.world = {"width": shards.width, "height": shards.height, "actions": shards.actions}
        self.data = shards.describe()
        self.data["held_out"] = [e.name for e in shards.episodes[-held_out:]]
        self.sampler = WindowSampler(shards.episodes[:-held_out], self.cfg.model, self.cfg.data)
        self.held_out = HeldOutBatch(WindowSampler(shards.episodes[-held_out:], self.cfg.model, self.cfg.data),
                                     self.cfg.data.eval_batch, self.cfg.train.seed, device)

        torch.manual_seed(self.cfg.train.seed)
        self.rng = np.random.default_rng(self.cfg.train.seed)
        self.model = WorldModel(self.cfg.model, len(shards.actions)).to(device)
        t = self.cfg.train
        self.optimizer = torch.optim.AdamW(self.model.parameters(), lr=t.lr, weight_decay=t.weight_decay)
        self.progress = {"step": 0, "samples": 0, "wall_seconds": 0.0, "eval": None}
        if saved:
            self.model.load_state_dict(saved["model"])
            self.optimizer.load_state_dict(saved["optimizer"])
            checkpoint.restore_rng_states(saved["rng"], self.rng)
            self.progress = saved["progress"]
        self.clock = time.monotonic()

    def log(self, record):
        with open(self.out / "log.jsonl", "a") as f:
            f.write(json.dumps(record) + "\n")

    def save(self):
        now = time.monotonic()
        self.progress["wall_seconds"] += now - self.clock  # summed over chunks, evaluations included
        self.clock = now
        checkpoint.save_atomically({
            "model": self.model.state_dict(), "optimizer": self.optimizer.state_dict(),
            "config": self.cfg.to_dict(), "progress": self.progress, "rng": checkpoint.rng_states(self.rng),
            "world": self.world, "data": self.data, "hardware": describe(self.device)},
            self.out / "checkpoint.pt")

    def evaluate(self):
        result = self.held_out.evaluate(self.model)
        self.progress["eval"] = {"step": self.progress["step"], **result}
        pose = result["pose_mae"]
        print(f"eval step {self.progress['step']}: PSNR {result['psnr_db']:.2f} dB "
              f"(copy-last {result['copy_last_psnr_db']:.2f} dB), pose MAE fwd {pose['forward']:.4f} "
              f"right {pose['right']:.4f} cells, turn {pose['dheading_deg']:.2f}°", flush=True)
        self.log({"kind": "eval", **self.progress["eval"]})

    def step(self):
        t = self.cfg.train
        for group in self.optimizer.param_groups:
            group["lr"] = learning_rate(self.progress["step"], t)
        inputs = to_model_inputs(self.sampler.batch(self.rng, t.batch_size), self.device)
        loss, parts = training_loss(self.model, inputs, t)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), t.grad_clip)
        self.optimizer.step()
        self.progress["step"] += 1
        self.progress["samples"] += t.batch_size
        return parts
