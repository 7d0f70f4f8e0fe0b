"""Where training runs: the device choice and a one-line description for provenance."""
import os
import platform

import torch


def training_device() -> torch.device:
    if torch.cuda.is_available():
        return torch.device("cuda")
    # PyTorch defaults to a single thread on some machines; use every core that is ours, unless
    # WORLDWEB_TRAIN_THREADS says otherwise (on a shared machine two spinning threads can run 10x
    # slower than one when the other core is busy).
    torch.set_num_threads(int(os.environ.get("WORLDWEB_TRAIN_THREADS", os.cpu_count())))
    return torch.device("cpu")


def describe(device: torch.device) -> str:
    if device.type == "cuda":
        return f"{torch.cuda.get_device_name(device)} (CUDA), torch {torch.__version__}"
    return f"{_cpu_model()} × {torch.get_num_threads()} threads, torch {torch.__version__}"


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "CPU"
