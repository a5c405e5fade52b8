"""Load a prepared model directory for generation or training."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from styledistill.devices import cpu_bf16
from styledistill.errors import UserError


def model_identity(model_dir: str | Path) -> str:
    """A content hash of the model's files (from its manifest): the model part of every request key."""
    manifest = Path(model_dir) / "manifest.json"
    if not manifest.exists():
        raise UserError(f"{model_dir}: not a prepared model directory (no manifest.json)")
    files = json.loads(manifest.read_text())["files"]
    return hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()[:16]


def best_dtype(requested: str) -> Any:
    """bf16 where the CPU has native support (it is ~2x fp32 here), else fp32."""
    import torch

    if requested != "auto":
        return getattr(torch, requested)
    if torch.cuda.is_available():
        return torch.bfloat16
    return torch.bfloat16 if cpu_bf16() else torch.float32


def load_tokenizer(model_dir: str | Path, padding_side: str = "left") -> Any:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    tokenizer.padding_side = padding_side
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def load_model(model_dir: str | Path, dtype: str, gpus: int) -> Any:
    """The model for generation: on the CPU, or on the job's GPUs (checked first: never a silent CPU run)."""
    from transformers import AutoModelForCausalLM

    from styledistill.devices import placement, require_gpus

    require_gpus(gpus, "generation.gpus")
    model = AutoModelForCausalLM.from_pretrained(str(model_dir), dtype=best_dtype(dtype), **placement(gpus))
    model.eval()
    return model
