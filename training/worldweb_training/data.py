"""Training windows from `worldweb-shards/1` directories, with retrieved memories.

A window for target step s is: context frames s−K … s−1, the action a_s, frame s, the pose change
s−1 → s, and M memory slots. Everything stays uint8 in RAM; batches become float on the device.
"""
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from .relpose import relative_pose, wrap_angle

SHARD_FORMAT = "worldweb-shards/1"
MARK_SHOWN, MARK_SEEN = 20, 4  # pixels of a mark that a target shows, and that any view before it shows
MARK_RESAMPLES = 20


@dataclass
class Episode:
    name: str
    seed: int
    frames: np.ndarray  # uint8 [T, H, W, 3]
    actions: np.ndarray  # int64 [T]; actions[t] produced frames[t]
    poses: np.ndarray  # float32 [T, 3]
    # 1 where the step's action changed the world (a paint that reached a wall); zeros in shards from before paint.
    changed: np.ndarray = None
    # Per step, the first later step from which a change makes its view out of date as a memory (the server's rule,
    # WorldWeb.Memory's ChangeSight, applied by datagen); T where none, and everywhere in shards without it.
    stale_from: np.ndarray = None
    # 1 where a wall face is within a paint's reach straight ahead of pose t; None in shards from before it.
    in_reach: np.ndarray = None

    def __post_init__(self):
        t = len(self.actions)
        if self.changed is None:
            self.changed = np.zeros(t, np.uint8)
        if self.stale_from is None:
            self.stale_from = np.full(t, t, np.int64)

    def __len__(self):
        return len(self.actions)

    @property
    def marks(self):
        """Per frame, the pixels of painted marks it shows (mark_pixels), computed once."""
        if getattr(self, "_marks", None) is None:
            self._marks = np.concatenate([mark_pixels(self.frames[i:i + 256]) for i in range(0, len(self), 256)])
        return self._marks


def paint_colours(frames):
    """Masks of the pixels of uint8 frames [..., 3] in the reference world's paint colours: lime, orange and violet
    (Textures.MarkColours in WorldWeb.ReferenceWorld), which no wall, sign or pillar has: not one in the 24,000 frames
    of 40 seeds played without paint. Shading scales a colour, so the rules are ratios of its channels; lime's is
    PaintTests.LimePixels'."""
    r, g, b = (frames[..., c].astype(np.int32) for c in range(3))
    lime = (g > 60) & (10 * g > 22 * r) & (10 * g > 22 * b)
    orange = (r > 90) & (10 * g >= 4 * r) & (10 * g <= 7 * r) & (10 * b < 3 * r)
    violet = (b > 90) & (10 * b > 15 * r) & (10 * r > 12 * g)
    return lime, orange, violet


def painted(frames):
    """Mask of the pixels of uint8 frames [..., 3] in any paint colour."""
    lime, orange, violet = paint_colours(frames)
    return lime | orange | violet


def mark_pixels(frames):
    """Per uint8 frame [N, H, W, 3], the pixels in a paint colour."""
    return painted(frames).sum((1, 2))


@dataclass
class ShardSet:
    directory: Path
    width: int
    height: int
    actions: list
    episodes: list
    presses: list = ()  # action names applied once per key press (index.json "presses")
    changes_world: list = ()  # action names that change the world (index.json "changes_world")
    heading_step_degrees: float = None  # every heading is a multiple of it (index.json; None in shards before it)
    move_steps: dict = None  # action name -> [forward, right], its step when no wall stops it (index.json; None before it)

    @classmethod
    def load(cls, directory, limit=None):
        directory = Path(directory)
        index = json.loads((directory / "index.json").read_text())
        if index.get("format") != SHARD_FORMAT:
            raise ValueError(f"{directory}: format {index.get('format')!r}, expected {SHARD_FORMAT!r}")
        shape = (index["height"], index["width"], 3)
        episodes = []
        for entry in index["episodes"][:limit]:
            stem = directory / entry["name"]
            episode = Episode(entry["name"], entry.get("seed", -1),
                              np.load(f"{stem}.frames.npy"), np.load(f"{stem}.actions.npy"),
                              np.load(f"{stem}.poses.npy").astype(np.float32),
                              _optional(f"{stem}.changed.npy"), _optional(f"{stem}.stale_from.npy"),
                              _optional(f"{stem}.in_reach.npy"))
            t = len(episode)
            if episode.frames.shape != (t,) + shape or episode.frames.dtype != np.uint8 \
                    or episode.poses.shape != (t, 3) or episode.changed.shape != (t,) or episode.stale_from.shape != (t,) \
                    or (episode.in_reach is not None and episode.in_reach.shape != (t,)):
                raise ValueError(f"{stem}: frames {episode.frames.shape} {episode.frames.dtype}, "
                                 f"poses {episode.poses.shape}, actions {t}; expected {shape} uint8")
            episodes.append(episode)
        return cls(directory, index["width"], index["height"], list(index["actions"]), episodes,
                   list(index.get("presses", [])), list(index.get("changes_world", [])), index.get("heading_step_degrees"),
                   index.get("move_steps"))

    def describe(self) -> dict:
        seeds = sorted(int(e.seed) for e in self.episodes)
        frames = int(sum(len(e) for e in self.episodes))
        contiguous = seeds == list(range(seeds[0], seeds[0] + len(seeds))) if seeds else False
        seed_text = f"{seeds[0]}-{seeds[-1]}" if contiguous else ", ".join(map(str, seeds))
        return {"shards": str(self.directory.resolve()), "episodes": len(self.episodes), "frames": frames,
                "seeds": seed_text,
                "description": f"{len(self.episodes)} reference-world episodes (seeds {seed_text}), "
                               f"{frames:,} frames of {self.width}x{self.height}"}


def _optional(path):
    return np.load(path) if Path(path).exists() else None


def near_candidates(poses, radius, angle, min_gap, stale_from=None):
    """Per target step s, the steps j ≤ s − min_gap whose pose is within radius and angle of s and whose view no
    change has made stale by s (stale_from[j] > s), as the server's memory would hold them.

    Returned in CSR form (offsets [T+1], steps) so a long episode costs one int32 per pair.
    """
    t = len(poses)
    offsets, steps = [0], []
    for start in range(0, t, 512):  # chunked: a T×T mask of a long episode would not fit
        rows = np.arange(start, min(start + 512, t))
        dist = np.hypot(poses[rows, None, 0] - poses[None, :, 0], poses[rows, None, 1] - poses[None, :, 1])
        turn = np.abs(wrap_angle(poses[rows, None, 2] - poses[None, :, 2]))
        early = np.arange(t)[None, :] <= rows[:, None] - min_gap
        fresh = True if stale_from is None else stale_from[None, :] > rows[:, None]
        for row in (dist <= radius) & (turn <= angle) & early & fresh:
            found = np.flatnonzero(row)
            steps.append(found.astype(np.int32))
            offsets.append(offsets[-1] + len(found))
    return np.asarray(offsets), np.concatenate(steps) if steps else np.zeros(0, np.int32)


def retrieval_score(pose, candidates):
    """The server's retrieval score of candidate poses seen from pose; lower is better."""
    distance = np.hypot(candidates[:, 0] - pose[0], candidates[:, 1] - pose[1])
    return distance + 0.5 * np.abs(wrap_angle(candidates[:, 2] - pose[2]))


class WindowSampler:
    """Draws random training windows (with memories) from a list of episodes."""

    def __init__(self, episodes, model_cfg, data_cfg, changing_actions=()):
        """changing_actions: indices of the actions that change the world (a paint). Its misses (a paint that reached
        no wall) join the change windows, and miss_windows of each batch are noops out of reach relabelled as the
        first of them: the world's paint there changes nothing, exactly as its noop. That is the lesson that nothing
        is drawn out of reach, which the explorer's own misses (one paint in ten) teach too rarely."""
        self.k, self.m = model_cfg.context_frames, model_cfg.memory_slots
        self.cfg = data_cfg
        self.episodes = [e for e in episodes if len(e) > self.k]
        if not self.episodes:
            raise ValueError(f"no episode is longer than {self.k} context frames")
        targets = np.array([len(e) - self.k for e in self.episodes], dtype=np.float64)
        self.episode_weights = targets / targets.sum()
        self.near = [near_candidates(e.poses, data_cfg.near_radius_cells,
                                     np.deg2rad(data_cfg.near_angle_deg), self.k + data_cfg.near_min_gap, e.stale_from)
                     for e in self.episodes]
        # (episode, step) of every target within change_window steps after a change, where a mark is drawn and kept,
        # and of every paint that changed nothing, where none may be.
        span = data_cfg.change_window
        kept = [(i, s) for i, e in enumerate(self.episodes) for c in np.flatnonzero(e.changed)
                for s in range(max(c, self.k), min(c + span, len(e)))]
        self.missed = np.array([(i, int(s)) for i, e in enumerate(self.episodes)
                                for s in np.flatnonzero(np.isin(e.actions, changing_actions) & (e.changed == 0))
                                if s >= self.k], np.int64).reshape(-1, 2)
        self.after_change = np.concatenate([np.array(kept, np.int64).reshape(-1, 2), self.missed])
        self.paint = changing_actions[0] if len(changing_actions) else None
        self.out_of_reach = np.array([(i, int(s)) for i, e in enumerate(self.episodes) if e.in_reach is not None
                                      for s in np.flatnonzero((e.actions == 0) & (np.roll(e.in_reach, 1) == 0))
                                      if s >= self.k], np.int64).reshape(-1, 2)

    def batch(self, rng, size) -> dict:
        which, steps = self._uniform(rng, size)
        if len(self.after_change) and self.cfg.change_windows > 0:
            for row in np.flatnonzero(rng.random(size) < self.cfg.change_windows):
                which[row], steps[row] = self.after_change[rng.integers(len(self.after_change))]
        relabelled = np.zeros(size, bool)
        if len(self.out_of_reach) and self.paint is not None and self.cfg.miss_windows > 0:
            relabelled = rng.random(size) < self.cfg.miss_windows
            for row in np.flatnonzero(relabelled):
                which[row], steps[row] = self.out_of_reach[rng.integers(len(self.out_of_reach))]
        windows = [self.window(rng, e, s) for e, s in zip(which, steps)]
        for row in range(size) if self.cfg.explained_marks else ():
            for _ in range(MARK_RESAMPLES):
                if not self.unexplained_mark(which[row], steps[row], windows[row]):
                    break
                (which[row],), (steps[row],) = self._uniform(rng, 1)
                windows[row] = self.window(rng, which[row], steps[row])
        out = {key: np.stack([w[key] for w in windows]) for key in windows[0]}
        if relabelled.any():
            out["action"][relabelled] = self.paint
        out["episode"], out["step"] = which, np.array(steps)
        return out

    def _uniform(self, rng, size):
        """Episodes (by their targets' share) and target steps of `size` windows drawn uniformly over all targets."""
        which = rng.choice(len(self.episodes), size=size, p=self.episode_weights)
        return which, [int(rng.integers(self.k, len(self.episodes[e]))) for e in which]

    def unexplained_mark(self, e, s, window) -> bool:
        """Whether target s shows a mark (MARK_SHOWN pixels) that no paint drew at s and no context or memory frame
        shows (MARK_SEEN pixels): a face the explorer painted before, coming into view. In play the player painted
        every mark there is and memory holds what they saw, so such a target teaches the model to draw marks from
        nothing (paint3 drew lime in 6% of the pixels of free play in mazes nobody painted)."""
        episode = self.episodes[e]
        if episode.marks[s] < MARK_SHOWN or episode.changed[s]:
            return False
        seen = list(range(s - self.k, s)) + [int(j) for j in window["memory_step"] if j >= 0]
        return bool((episode.marks[seen] < MARK_SEEN).all())

    def window(self, rng, e, s, retrieval=None, memory_before=None) -> dict:
        """The window for target step s of episode e. retrieval: True/False forces the server's
        retrieval rule on or off (None: the configured share); memory_before: only steps before it."""
        episode = self.episodes[e]
        h, w = episode.frames.shape[1:3]
        memory = np.zeros((self.m, h, w, 3), np.uint8)
        memory_pose = np.zeros((self.m, 4), np.float32)
        memory_step = np.full(self.m, -1)
        if retrieval is None:
            retrieval = rng.random() < self.cfg.retrieval_memory
        retrieved = self._retrieved_steps(e, s, memory_before) if retrieval else None
        for slot in range(self.m):
            if retrieved is None:
                j = self._memory_step(rng, e, s)
            else:
                j = retrieved[slot] if slot < len(retrieved) and rng.random() >= self.cfg.retrieval_drop else -1
            if j >= 0:
                memory[slot], memory_step[slot] = episode.frames[j], j
                memory_pose[slot, :3] = relative_pose(episode.poses[s - 1], episode.poses[j])
                memory_pose[slot, 3] = 1.0
        return {"context": episode.frames[s - self.k:s], "target": episode.frames[s],
                "action": episode.actions[s].astype(np.int64),
                "pose_delta": relative_pose(episode.poses[s - 1], episode.poses[s]),
                "view_pose": episode.poses[s - 1].astype(np.float32),
                "memory": memory, "memory_pose": memory_pose, "memory_step": memory_step}

    def _retrieved_steps(self, e, s, before=None):
        """Near steps ranked as retrieval ranks them (cells + half a cell per radian of turn), best first."""
        offsets, steps = self.near[e]
        near = steps[offsets[s]:offsets[s + 1]]
        if before is not None:
            near = near[near < before]
        poses = self.episodes[e].poses
        score = retrieval_score(poses[s - 1], poses[near])
        return [int(j) for j in near[np.argsort(score, kind="stable")[:self.m]]]

    def _memory_step(self, rng, e, s) -> int:
        """A near step, a random step before the context window, or −1 (empty slot)."""
        offsets, steps = self.near[e]
        near = steps[offsets[s]:offsets[s + 1]]
        u = rng.random()
        if u < self.cfg.near_memory:
            if len(near):
                return int(near[rng.integers(len(near))])
            u = self.cfg.near_memory + rng.random() * (1 - self.cfg.near_memory)  # fall back
        if u < self.cfg.near_memory + self.cfg.random_memory and s > self.k:
            j = int(rng.integers(0, s - self.k))
            return j if self.episodes[e].stale_from[j] > s else -1
        return -1


def to_model_inputs(batch, device) -> dict:
    """uint8 HWC numpy → float [0, 1] CHW tensors on the device (converted there: 4× less copying)."""
    def frames(a):
        return torch.from_numpy(np.ascontiguousarray(a)).to(device).movedim(-1, -3).float().div_(255)

    inputs = {"context": frames(batch["context"]), "target": frames(batch["target"]),
              "memory": frames(batch["memory"]),
              "memory_pose": torch.from_numpy(batch["memory_pose"]).to(device),
              "action": torch.from_numpy(batch["action"]).to(device),
              "pose_delta": torch.from_numpy(batch["pose_delta"]).to(device)}
    if "view_pose" in batch:
        inputs["view_pose"] = torch.from_numpy(batch["view_pose"]).to(device)
    if "patch_weight" in batch:
        inputs["patch_weight"] = torch.from_numpy(batch["patch_weight"]).to(device)
    return inputs
