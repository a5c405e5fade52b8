"""The GPUs a job asked for against what torch sees, and where a model goes: a GPU job that would silently run on the
CPU (a CPU build of torch, a job without its GPUs) stops at its start in one line."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
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


# What computed an answer whose backend gives no fingerprint (most APIs), or one stored before answers had one.
UNRECORDED = "not recorded"


def native_bf16(cpuinfo: str) -> str | None:
    """The native bf16 instructions /proc/cpuinfo lists (amx_bf16, else avx512_bf16), which oneDNN's bf16 kernels
    use; or None."""
    flags = set(cpuinfo.split())
    return next((flag for flag in ("amx_bf16", "avx512_bf16") if flag in flags), None)


@cache
def cpu_bf16() -> str | None:
    """This CPU's native bf16 instructions (native_bf16), or None."""
    try:
        return native_bf16(Path("/proc/cpuinfo").read_text())
    except OSError:
        return None


def numerics(dtype: str, engine: str, gpu_name: str | None = None, cpu_capability: str | None = None) -> str:
    """What a local model's answers depend on beyond its weights and the request: the GPU, or for the CPU the vector
    instructions torch dispatches to and its native bf16 (oneDNN's bf16 kernels differ by both); the dtype; the engine
    and its version. Kept with every answer (`system_fingerprint`): on the CPU, holding oneDNN to AVX2 changed 13 of
    the embedded model's 24 greedy bf16 answers to the demo's benchmark."""
    if gpu_name:
        where = f"cuda {gpu_name}"
    else:
        held = os.environ.get("ONEDNN_MAX_CPU_ISA")
        where = " ".join(filter(None, ("cpu", cpu_capability, cpu_bf16(), held and f"onednn<={held}")))
    return f"{where} {dtype.removeprefix('torch.')} {engine}"


def torch_numerics(model: Any, dtype: Any = None) -> str:
    """`numerics` of a torch model, where its first weights are; `dtype`: the compute dtype, if not the weights'."""
    import torch

    weights = next(model.parameters())
    gpu = torch.cuda.get_device_name(weights.device) if weights.device.type == "cuda" else None
    return numerics(str(dtype or weights.dtype), f"torch-{torch.__version__}", gpu,
                    torch.backends.cpu.get_cpu_capability())
