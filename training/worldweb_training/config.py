"""Run configuration: one JSON file, three sections, loaded into frozen dataclasses."""
import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class ModelConfig:
    context_frames: int = 4
    memory_slots: int = 2
    widths: tuple = (32, 64, 96)  # channels at 32², 16², 8² (after the 2× pixel-unshuffle)
    mid_blocks: int = 2  # residual blocks at 8²
    head_channels: int = 16  # channels of the full-resolution (64²) head
    # "residual": a denoiser predicting base + residual at full resolution; "tokens": for each patch of the
    # next frame, logits over a codebook of real patches (codebook.py), sampled at `temperature`.
    output: str = "residual"
    codebook_size: int = 512
    # Of codebook_size, how many a fresh run fits to the patches the others rebuild worst (codebook.fit_extra_codes:
    # small bright landmarks and painted marks), as paint1's 128 on 0.2.4's 512; k-means over all patches gives a
    # lime mark 3 of 640 codes.
    codebook_rare: int = 0
    patch: int = 4
    temperature: float = 1.0
    # Patches the sampler's uniforms reach on each side: each position's uniform is made from the noise summed over
    # the (2r+1)² positions around it, so neighbouring patches with alike distributions draw alike patches (a mark
    # comes out solid, not speckled) while each patch's own distribution is unchanged. 0: one uniform per patch; 15
    # or more: one for the whole 16×16 frame. A rule of play with no weights, like the temperature.
    uniform_reach: int = 0
    # Token model: each memory turned to the next frame's heading (viewwarp.py) adds memory_prior_gain ·
    # exp(−(d / memory_prior_reach_cells)²) to the logit of the patch it shows, d its distance from where the next
    # frame is seen: a place seen before comes back as it was. A rule of play with no weights (0 = off);
    # fov_degrees is the camera's.
    memory_prior_gain: float = 0.0
    memory_prior_reach_cells: float = 0.3
    fov_degrees: float = 66.0
    norm_groups: int = 8
    embed_dim: int = 64  # action + noise-level embedding that drives FiLM
    # Where a mark would lie on the faces ahead, from the pose the server tracks (facemap.py): from a wall filling the
    # view the model cannot tell where on the face it stands. The exported graph then takes the pose as its optional
    # `view_pose` input (docs/model-format.md).
    face_map: bool = False
    pose_hidden: int = 64
    sampler_times: tuple = (1.0, 0.5)  # noise level of each unrolled denoiser pass
    pose_scale: float = 10.0  # per-step deltas are ~0.1 cell / ~0.09 rad; scaled to O(1)
    # Noise level (in [−1, 1] units) given to the context in play; the model was told levels like it in training.
    context_noise_inference: float = 0.0


@dataclass(frozen=True)
class DataConfig:
    # Share of windows whose slots hold what the server's retrieval would return: the best-scoring
    # near steps, best first. Without it the model rarely sees a memory taken at its own pose and
    # never learns to copy one, which is what closes a loop.
    retrieval_memory: float = 0.6
    retrieval_drop: float = 0.1  # chance that a retrieved slot is left empty anyway
    near_memory: float = 0.5  # per-slot probabilities otherwise; the rest of the mass leaves the slot empty
    random_memory: float = 0.25
    near_radius_cells: float = 1.0
    near_angle_deg: float = 30.0
    near_min_gap: int = 4  # a near memory is at least context_frames + this many steps back
    # Share of each batch whose context is the model's own rollout (drift.py), from a pool of
    # drift_rollouts runs of drift_length steps regenerated every drift_refresh_every steps.
    drift_fraction: float = 0.0
    drift_rollouts: int = 64
    drift_length: int = 64
    drift_refresh_every: int = 500
    # Share of drifted rows whose first memory slot is the target frame itself, at its own pose: the
    # view a loop's return has in memory, and the clearest lesson that such a memory beats the context.
    drift_target_memory: float = 0.0
    # Share of each batch drawn at the pool's onsets, where a rollout drew a mark from nothing (drift.py), with the
    # loss on the mark's patches only; uniform rows stand in while the pool has none.
    onset_fraction: float = 0.0
    # Share of each batch that is a paint from the model's own context (drift.py's paint rows: a run of drift_length
    # steps ending just before a paint of the data, the loss on the paint's patches only), from paint_rollouts such
    # runs regenerated with the pool. On the play page every paint is made from the model's own frames.
    paint_drift_fraction: float = 0.0
    paint_rollouts: int = 64
    # Paint rows come only from runs whose last frame shows, where the mark lands, the world's view to this PSNR (dB;
    # 0 = every run): a run that drifted off the wall would teach that the paint key alone brings paint colour.
    paint_agreement_db: float = 0.0
    # Share of windows whose target lies within change_window steps after a change to the world (a paint): rare in
    # the data (~1 step in 140) and the only place the model learns to draw one and keep it in view.
    change_windows: float = 0.0
    change_window: int = 12
    # Share of windows that are a paint reaching no wall (a noop out of reach relabelled paint; data.WindowSampler).
    miss_windows: float = 0.0
    # Windows whose target shows a mark that neither a paint at that step nor any context or memory frame shows are
    # drawn again (data.WindowSampler.unexplained_mark): in play no mark comes from nowhere.
    explained_marks: bool = False
    eval_episodes: int = 2  # the last episodes of the index, never trained on
    eval_batch: int = 64
    # Free play in the periodic evaluation: rollouts of this many steps from held-out starts.
    free_play_rollouts: int = 8
    free_play_steps: int = 200


@dataclass(frozen=True)
class TrainConfig:
    seed: int = 1
    steps: int = 20000
    batch_size: int = 32
    lr: float = 3e-4
    face_map_lr_scale: float = 1.0  # the face-map stem's rate, × lr (run.Run._parameter_groups)
    min_lr_fraction: float = 0.1  # cosine decay floor
    warmup_steps: int = 200
    weight_decay: float = 0.01
    grad_clip: float = 1.0
    pose_weight: float = 0.1
    # Token model: up to this share of each row's context and memory patches replaced by random codebook patches.
    stray_patches_max: float = 0.0
    # Token model: loss weight of rows whose action changes the world (a paint, whether it reached a wall or not).
    # Their lesson, a mark drawn where the wall is in reach and nowhere else, lies in a few dozen patches of one
    # row in a batch, against thousands of patches that only move.
    change_weight: float = 1.0
    # Token model: at rows whose action changes the world, the patches where the target differs from the last
    # context frame (the mark just drawn) weigh this many times in the loss. A far mark covers 6-60 of a frame's 256
    # patches, so in a whole row's mean its lesson is a few percent; change_weight raises the row, this the mark.
    # Meant for true context: with drift rows (drift_fraction) a paint row's change is its drift too, so the two are
    # refused together; an onset row (onset_fraction) that is a paint into the open is weighed on its whole change.
    mark_weight: float = 1.0
    # Share of rows trained at exactly the sampler's noise levels; the rest draw t ~ U(0, 1).
    sampler_time_fraction: float = 0.5
    # Context corruption (GameNGen's noise augmentation): a row's context gets Gaussian noise of a level
    # drawn from U(0, context_noise_max), told to the model; context_noise_clean of rows keep level 0.
    context_noise_max: float = 0.0
    context_noise_clean: float = 0.2
    # "bfloat16": convolutions and matrix products under autocast, weights, norms, losses and AdamW in float32. A
    # recipe choice, not a device one: its numerics differ. 3.1× float32's samples a second on the 2-core Intel Xeon
    # with AMX (training/README.md); GPUs since Ampere run it too.
    precision: str = "float32"
    log_every: int = 20
    eval_every: int = 500
    checkpoint_every: int = 500


@dataclass(frozen=True)
class RunConfig:
    model: ModelConfig = field(default_factory=ModelConfig)
    data: DataConfig = field(default_factory=DataConfig)
    train: TrainConfig = field(default_factory=TrainConfig)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


# Options tried and removed (docs/model-card.md), with the value that meant "off": a checkpoint that has them off
# still loads; one that used them was made by code that is no longer here.
RETIRED = {"warp_base": False, "frame_loss": "mse", "adversary_weight": 0.0, "adversary_lr": None,
           "adversary_widths": None, "error_recycle": 0.0, "error_scale_max": None, "error_bank": None}


def _section(cls, values: dict):
    known = {f.name for f in dataclasses.fields(cls)}
    used = [k for k, off in RETIRED.items() if k in values and off is not None and values[k] != off]
    if used:
        raise ValueError(f"{cls.__name__}: {used} were removed from the training code (see docs/model-card.md)")
    values = {k: v for k, v in values.items() if k not in RETIRED}
    unknown = set(values) - known
    if unknown:
        raise ValueError(f"unknown {cls.__name__} keys: {sorted(unknown)}")
    # JSON has no tuples; frozen configs keep sequences immutable.
    return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in values.items()})


PRECISIONS = ("float32", "bfloat16")


def config_from_dict(values: dict) -> RunConfig:
    unknown = set(values) - {"model", "data", "train"}
    if unknown:
        raise ValueError(f"unknown config sections: {sorted(unknown)}")
    run = RunConfig(
        model=_section(ModelConfig, values.get("model", {})),
        data=_section(DataConfig, values.get("data", {})),
        train=_section(TrainConfig, values.get("train", {})),
    )
    if run.train.precision not in PRECISIONS:
        raise ValueError(f"train.precision {run.train.precision!r}: one of {', '.join(PRECISIONS)}")
    if run.train.mark_weight != 1.0 and (run.data.drift_fraction > 0 or run.data.paint_drift_fraction > 0):
        # A drifted row's target differs from its context by the drift too, which mark_weight would teach as a mark.
        raise ValueError("train.mark_weight needs data.drift_fraction and data.paint_drift_fraction 0: a drifted paint "
                         "row's change is not only its mark")
    if run.data.paint_drift_fraction > 0 and run.data.paint_rollouts < 1:
        raise ValueError("data.paint_drift_fraction needs data.paint_rollouts ≥ 1: its rows are drawn from those runs")
    return run


def load_config(path) -> RunConfig:
    return config_from_dict(json.loads(Path(path).read_text()))


def play_settings(settings) -> dict:
    """Model settings of play given as NAME=VALUE (uniform_reach=15, temperature=0.8), each as its field's type."""
    parsed = {}
    for setting in settings:
        if "=" not in setting:
            raise ValueError(f"{setting!r}: a setting of play is NAME=VALUE, e.g. uniform_reach=15")
        name, value = setting.split("=", 1)
        parsed[name] = type(getattr(ModelConfig(), name, ""))(value)
    return parsed


def with_play_settings(values: dict, settings) -> RunConfig:
    """A saved run's config with settings of play (play_settings): rules with no weights, so its weights fit them."""
    return config_from_dict(dict(values, model=dict(values["model"], **play_settings(settings))))
