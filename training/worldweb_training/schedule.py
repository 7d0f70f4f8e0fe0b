"""Learning rate: linear warmup, then cosine decay to a floor at the configured step count."""
import math


def learning_rate(step, train_cfg) -> float:
    t = train_cfg
    if step < t.warmup_steps:
        return t.lr * (step + 1) / t.warmup_steps
    progress = min(1.0, (step - t.warmup_steps) / max(1, t.steps - t.warmup_steps))
    floor = t.min_lr_fraction
    return t.lr * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * progress)))
