"""One training run: its model, optimizer, data and progress, and its out/ directory."""
import json
import time
from pathlib import Path

import numpy as np
import torch

from . import checkpoint
from .codebook import fit_codebook, fit_extra_codes
from .config import config_from_dict, load_config
from .data import ShardSet, WindowSampler, to_model_inputs
from .drift import DriftPool
from .evaluation import FreePlayCheck, HeldOutBatch
from .hardware import describe
from .model import WorldModel
from .objective import training_loss
from .schedule import learning_rate

NEW_INPUT = "denoiser.stem_face."  # the face-map stem (model.Denoiser), trained at its own rate


def _start_new_rows(name, grown, old):
    """See Run._init_from: new rows of the action embedding and of the token head."""
    if name == "action_embed.weight":
        grown[len(old):] = old[0]
    elif name.endswith("token_head.weight"):
        grown[len(old):] = 0
    elif name.endswith("token_head.bias"):
        grown[len(old):] = old.min() - 10


def stage_summary(saved, path) -> dict:
    """What a model package says about one training stage of its weights."""
    progress = saved["progress"]
    return {"checkpoint": str(path), "steps": progress["step"], "samples_seen": progress["samples"],
            "wall_time_s": round(progress["wall_seconds"], 1), "hardware": saved["hardware"],
            "final_eval": progress.get("eval"), "config": saved["config"]}


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
        self.world = {"width": shards.width, "height": shards.height, "actions": shards.actions,
                      "presses": shards.presses, "changes_world": shards.changes_world,
                      "heading_step_degrees": shards.heading_step_degrees, "move_steps": shards.move_steps}
        self.data = shards.describe()
        self.data["held_out"] = [e.name for e in shards.episodes[-held_out:]]
        changing = [shards.actions.index(name) for name in shards.changes_world]
        self.sampler = WindowSampler(shards.episodes[:-held_out], self.cfg.model, self.cfg.data, changing)
        self.changing_actions = torch.tensor(changing, dtype=torch.long, device=device)
        self.held_out = HeldOutBatch(WindowSampler(shards.episodes[-held_out:], self.cfg.model, self.cfg.data),
                                     self.cfg.data.eval_batch, self.cfg.train.seed, device)
        d = self.cfg.data
        self.free_play = FreePlayCheck(shards.episodes[:-held_out], shards.episodes[-held_out:], shards.actions,
                                       d.free_play_rollouts, d.free_play_steps, device) if d.free_play_steps else None

        torch.manual_seed(self.cfg.train.seed)
        self.rng = np.random.default_rng(self.cfg.train.seed)
        self.model = WorldModel(self.cfg.model, len(shards.actions)).to(device)
        t = self.cfg.train
        self.optimizer = torch.optim.AdamW(self._parameter_groups(), lr=t.lr, weight_decay=t.weight_decay)
        self.progress = {"step": 0, "samples": 0, "wall_seconds": 0.0, "eval": None}
        self.earlier_stages = []  # the runs whose weights this one started from (--init-from), oldest first
        if saved:
            self.earlier_stages = saved.get("earlier_stages", [])
            self.model.load_state_dict(saved["model"])
            self.optimizer.load_state_dict(saved["optimizer"])
            checkpoint.restore_rng_states(saved["rng"], self.rng)
            self.progress = saved["progress"]
        elif args.init_from:
            self._init_from(args.init_from, args.keep_optimizer)
        if not saved:
            self._start_codebook()
        d = self.cfg.data
        self.drift = DriftPool(self.sampler, d.drift_rollouts, d.drift_length, d.drift_target_memory,
                               d.paint_rollouts if d.paint_drift_fraction > 0 else 0, d.paint_agreement_db) \
            if d.drift_fraction > 0 or d.onset_fraction > 0 or d.paint_drift_fraction > 0 else None
        self.clock = time.monotonic()

    def _init_from(self, path, keep_optimizer=False):
        """A fresh run (own config, schedule, and optimizer unless kept) that starts from another run's weights.

        Layers that grew since keep the old rows. New rows start as the model behaved before they existed:
        a new action as noop (paint moves nobody, and paints nothing where no wall is near), new codebook patches
        never chosen (no weight, a logit far below any other) until training finds where they belong. Other grown
        layers (the output conv gained memory-gate channels) keep their fresh initialisation for the new rows.
        """
        parent = checkpoint.load(path)
        self.earlier_stages = parent.get("earlier_stages", []) + [stage_summary(parent, path)]
        own, grown = self.model.state_dict(), []
        for name, value in parent["model"].items():
            if name not in own:
                raise SystemExit(f"{path}: parameter {name} is not in this model")
            if value.shape == own[name].shape:
                own[name] = value
            elif value.shape[1:] == own[name].shape[1:] and value.shape[0] < own[name].shape[0]:
                own[name][:value.shape[0]] = value
                _start_new_rows(name, own[name], value)
                grown.append(name)
            else:
                raise SystemExit(f"{path}: {name} is {tuple(value.shape)}, this model's {tuple(own[name].shape)}")
        self.model.load_state_dict(own)
        if keep_optimizer:
            self._keep_optimizer(parent, path, grown)
        print(f"weights{' and AdamW moments' if keep_optimizer else ''} from {path}", flush=True)

    def _parameter_groups(self):
        """The face-map stem in a group of its own at face_map_lr_scale × the rate: added to a trained model it starts
        at zero, and at a fine-tune's rate a new input barely moves (paint26's pose embedding: 0.0015 in 500 steps)."""
        named = list(self.model.named_parameters())
        rest = [p for n, p in named if not n.startswith(NEW_INPUT)]
        new = [p for n, p in named if n.startswith(NEW_INPUT)]
        return [{"params": rest}] + ([{"params": new, "lr_scale": self.cfg.train.face_map_lr_scale}] if new else [])

    def _keep_optimizer(self, parent, path, grown):
        """Takes the parent's AdamW moments: a fresh optimizer's first steps move every weight by about the learning
        rate whatever its gradient's scale, which a continuation at a small rate need not do (paint9-12 all fell
        below the paint1 they started from). Only for the same parameters: a grown layer has no moments to keep."""
        if grown:
            raise SystemExit(f"{path}: --keep-optimizer needs the same parameters, and {grown[0]} grew")
        # The optimizer numbers parameters group by group; a module the parent lacks (the face map) starts afresh.
        named = dict(self.model.named_parameters())
        ids = {id(p): n for n, p in named.items()}
        names = [ids[id(p)] for group in self.optimizer.param_groups for p in group["params"]]
        kept = [n for n in names if n in parent["model"]]  # the parent's parameters, in its (the same) order
        at = {name: i for i, name in enumerate(kept)}
        moments = parent["optimizer"]["state"]
        state = self.optimizer.state_dict()
        state["state"] = {i: moments[at[n]] for i, n in enumerate(names) if n in at and at[n] in moments}
        self.optimizer.load_state_dict(state)
        for group in self.optimizer.param_groups:  # the moments, not the parent's hyperparameters
            group["weight_decay"] = self.cfg.train.weight_decay

    def _start_codebook(self):
        """The token model paints with k-means patches of the training frames."""
        codebook = getattr(self.model, "codebook", None)
        if codebook is None:
            return
        fitted = int((codebook.abs().sum(1) > 0).sum())  # the codes that came with the weights (--init-from)
        if 0 < fitted < len(codebook):
            self._grow_codebook(codebook, fitted)
        if fitted > 0:
            return
        started = time.monotonic()
        common = len(codebook) - self.cfg.model.codebook_rare
        with torch.no_grad():
            codebook[:common] = fit_codebook(self.sampler.episodes, common, self.cfg.model.patch)
        print(f"codebook: {common} patches of {self.cfg.model.patch}×{self.cfg.model.patch} by k-means "
              f"in {time.monotonic() - started:.0f} s", flush=True)
        if common < len(codebook):
            self._grow_codebook(codebook, common)

    def _grow_codebook(self, codebook, fitted):
        """A codebook grown since the weights' run keeps its codes and fits the new ones to what they lack."""
        started = time.monotonic()
        with torch.no_grad():
            codebook[fitted:] = fit_extra_codes(self.sampler.episodes, codebook[:fitted], len(codebook) - fitted,
                                                self.cfg.model.patch)
        print(f"codebook: {fitted} patches kept, {len(codebook) - fitted} more fitted to the patches they rebuild "
              f"worst in {time.monotonic() - started:.0f} s", flush=True)

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
            "world": self.world, "data": self.data, "hardware": describe(self.device),
            "earlier_stages": self.earlier_stages},
            self.out / "checkpoint.pt")

    def evaluate(self):
        result = self.held_out.evaluate(self.model)
        if self.free_play:
            result["free_play"] = self.free_play.evaluate(self.model)
        self.progress["eval"] = {"step": self.progress["step"], **result}
        pose = result["pose_mae"]
        print(f"eval step {self.progress['step']}: PSNR {result['psnr_db']:.2f} dB "
              f"(copy-last {result['copy_last_psnr_db']:.2f} dB, {result['changed_rows']} rows whose view changed), "
              f"pose MAE fwd {pose['forward']:.4f} right {pose['right']:.4f} cells, turn {pose['dheading_deg']:.2f}°",
              flush=True)
        if self.free_play:
            play = result["free_play"]
            print(f"  free play, steps {play['steps'][0]}-{play['steps'][1]}: realism {play['realism_db']:.2f} dB "
                  f"(real {play['real_realism_db']:.2f}), sharpness {play['sharpness']:.2f}, "
                  f"grid energy {play['grid_energy']:.2f} (real frames: 1.0)", flush=True)
            control = play["colour_tvd_control"]
            print(f"  colourful share {play['colourful_share']:.3f} (real {play['real_colourful_share']:.3f}), "
                  f"colour distance to real {play['colour_tvd']:.3f} "
                  f"(real against real {'—' if control is None else f'{control:.3f}'})", flush=True)
        self.log({"kind": "eval", **self.progress["eval"]})

    def step(self):
        t = self.cfg.train
        for group in self.optimizer.param_groups:
            group["lr"] = learning_rate(self.progress["step"], t) * group.get("lr_scale", 1.0)
        inputs = to_model_inputs(self._batch(t.batch_size), self.device)
        with torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=t.precision == "bfloat16"):
            loss, parts = training_loss(self.model, inputs, t, self.changing_actions)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), t.grad_clip)
        self.optimizer.step()
        self.progress["step"] += 1
        self.progress["samples"] += t.batch_size
        return parts

    def _batch(self, size):
        """A batch of true-context windows, plus drifted-context, onset and paint rows when the config asks for them."""
        d = self.cfg.data
        drifted = round(d.drift_fraction * size) if self.drift else 0
        onsets = round(d.onset_fraction * size) if self.drift else 0
        paints = round(d.paint_drift_fraction * size) if self.drift else 0
        if self.drift:
            self._refresh_drift()
            if not len(self.drift.onsets):
                onsets = 0  # uniform rows stand in
            if not len(self.drift.agreeing):
                paints = 0
        parts = [self.sampler.batch(self.rng, size - drifted - onsets - paints)]
        if drifted:
            parts.append(self.drift.batch(self.rng, drifted))
        weighed = []  # rows that teach only some patches
        if onsets:
            weighed.append(self.drift.onset_batch(self.rng, onsets, self.cfg.model.patch))
        if paints:
            weighed.append(self.drift.paint_batch(self.rng, paints, self.cfg.model.patch))
        if weighed:
            patches = weighed[0]["patch_weight"].shape[1]
            for part in parts:
                part["patch_weight"] = np.ones((len(part["action"]), patches), np.float32)
            parts += weighed
        return {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}

    def _refresh_drift(self):
        # Not in the checkpoint (tens of MB): a resumed run regenerates the pool from its resumed weights.
        if self.drift.frames is not None and self.progress["step"] % self.cfg.data.drift_refresh_every != 0:
            return
        started = time.monotonic()
        self.drift.refresh(self.model, self.rng, self.device)
        frames = len(self.drift.frames) * self.drift.length
        print(f"drift pool: {len(self.drift.frames)} rollouts × {self.drift.length} steps regenerated "
              f"in {time.monotonic() - started:.0f} s; marks drawn from nothing in {len(self.drift.onsets)} frames "
              f"({len(self.drift.onsets) / frames:.2%}); paint runs giving paint rows "
              f"{len(self.drift.agreeing)} of {self.drift.paint_rollouts}", flush=True)
        self.log({"kind": "drift", "step": self.progress["step"], "frames": frames, "onsets": len(self.drift.onsets),
                  "paint_runs": len(self.drift.agreeing)})
