"""The GPUs a job asked for against what torch sees, and where a model goes: a GPU job that would silently run on the
CPU (a CPU build of torch, a job without its GPUs) stops at its start in one line."""

from __future__ import annotations

import os
from typing import Any

from styledistill.errors import UserError


def visible_gpus() -> int:
    import torch

    return torch.cuda.device_count() if torch.cuda.is_available() else 0


def require_gpus(gpus: int, where: str) -> None:
    """Refuse to start a job that asked for `gpus` GPUs when torch sees fewer."""
    if gpus <= 0:
        return
    import torch

    seen = visible_gpus()
    if seen < gpus:
        raise UserError(f"{where}: the job asked for {gpus} GPU(s) and torch {torch.__version__} sees {seen} "
                        f"(CUDA_VISIBLE_DEVICES={os.environ.get('CUDA_VISIBLE_DEVICES', 'unset')}): a CPU build of "
                        "torch, or a job scheduled without its GPUs; it would run on the CPU")


def placement(gpus: int) -> dict[str, Any]:
    """`from_pretrained` keyword arguments: the CPU (none), the one GPU whole, or layers spread over several
    (accelerate's device_map)."""
    if gpus <= 0:
        return {}
    return {"device_map": {"": 0}} if gpus == 1 else {"device_map": "auto"}
