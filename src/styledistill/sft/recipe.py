"""SFT recipes: a family's training defaults (recipes/<family>.yaml), overridden key by key by the job's spec.

Both sides accept only the keys below; an unknown or ill-typed key fails in one line naming the key and the file
(or `--spec`). The spec's `version` key is the stage version Snakemake tracks and is ignored here.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from styledistill.errors import UserError
from styledistill.io import read_yaml

SPEC = "--spec"
IGNORED_SPEC_KEYS = frozenset({"version"})
DTYPES = ("auto", "float32", "bfloat16")


@dataclass(frozen=True)
class Key:
    kind: str  # int, float, str, bool
    doc: str
    required: bool = True
    default: Any = None
    nullable: bool = False
    check: Callable[[Any], str | None] | None = None
    # Part of the resume fingerprint: checkpoints made under a different value are not resumed from.
    resume: bool = True


def _positive(value: Any) -> str | None:
    return None if value > 0 else "must be > 0"


def _at_least_one(value: Any) -> str | None:
    return None if value >= 1 else "must be >= 1"


def _non_negative(value: Any) -> str | None:
    return None if value >= 0 else "must be >= 0"


def _ratio(value: Any) -> str | None:
    return None if 0 <= value < 1 else "must be in [0, 1)"


def _max_length(value: Any) -> str | None:
    return None if value >= 8 else "must be >= 8"


def _dtype(value: Any) -> str | None:
    return None if value in DTYPES else f"must be one of {', '.join(DTYPES)}"


KEYS: dict[str, Key] = {
    "learning_rate": Key("float", "peak learning rate (AdamW)", check=_positive),
    "epochs": Key("float", "passes over the examples (fractions allowed); max_steps, when set, wins", check=_positive),
    "per_device_batch_size": Key("int", "examples per forward pass per process", check=_at_least_one),
    "gradient_accumulation_steps": Key("int", "forward passes per optimizer step", check=_at_least_one),
    "max_length": Key("int", "token limit per conversation: longer ones are cut at the end; an example whose "
                      "prompt alone reaches it is dropped (and counted)", check=_max_length),
    "lr_scheduler": Key("str", "Hugging Face scheduler name (cosine, linear, constant, ...)"),
    "warmup_ratio": Key("float", "fraction of the optimizer steps spent warming the learning rate up", check=_ratio),
    "weight_decay": Key("float", "AdamW weight decay", check=_non_negative),
    "optimizer": Key("str", "Hugging Face optimizer name (adamw_torch, adamw_torch_fused, adafactor, ...)"),
    "seed": Key("int", "seed of the data order and dropout (the weights come from --model)", check=_non_negative),
    "dtype": Key("str", "compute dtype: float32, bfloat16 (fp32 master weights + bf16 autocast) or auto "
                 "(bfloat16 on a GPU that supports it, float32 on CPU); the saved model keeps the input model's "
                 "dtype", check=_dtype),
    "save_steps": Key("int", "checkpoint every N optimizer steps under the work dir (and at the end)",
                      check=_at_least_one, resume=False),
    "logging_steps": Key("int", "log loss, learning rate and tokens/s every N optimizer steps",
                         check=_at_least_one, resume=False),
    "max_steps": Key("int", "stop after N optimizer steps in total (null: run all epochs); raising it continues "
                     "from the last checkpoint", required=False, nullable=True, check=_at_least_one, resume=False),
    "save_total_limit": Key("int", "checkpoints kept under the work dir (older ones are deleted)", required=False,
                            default=2, check=_at_least_one, resume=False),
    "keep_checkpoints": Key("bool", "keep the checkpoints under the work dir once the model is published (they "
                            "hold optimizer state: ~1.6 GB each for SmolLM2)", required=False, default=False,
                            resume=False),
    "deepspeed": Key("str", "path of a DeepSpeed JSON config (ZeRO-2/3), relative to the working directory; "
                     "null: no DeepSpeed", required=False, nullable=True),
    "system_prompt": Key("str", "system message of every training conversation (null: none, so the chat "
                         "template's default applies); evaluation must use the same", required=False, nullable=True),
}


@dataclass
class Recipe:
    """Merged recipe values, with where each value came from (for error messages)."""

    values: dict[str, Any]
    origin: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def error(self, key: str, message: str) -> UserError:
        return UserError(f"{self.origin.get(key, SPEC)}: key {key!r}: {message}")

    def fingerprint(self) -> str:
        """Hash of the values that shape the training trajectory (not max_steps, save/logging cadence)."""
        relevant = {k: v for k, v in sorted(self.values.items()) if KEYS[k].resume}
        return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()[:16]


def _coerce(key: str, value: Any, where: str) -> Any:
    spec = KEYS[key]
    if value is None:
        if spec.nullable:
            return None
        raise UserError(f"{where}: key {key!r}: must not be null")
    if spec.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                raise UserError(f"{where}: key {key!r}: expected an integer, got {value!r}")
    elif spec.kind == "float":
        if isinstance(value, str):  # YAML 1.1 reads 5e-5 (no dot) as a string
            try:
                value = float(value)
            except ValueError:
                raise UserError(f"{where}: key {key!r}: expected a number, got {value!r}") from None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise UserError(f"{where}: key {key!r}: expected a number, got {value!r}")
        value = float(value)
    elif spec.kind == "bool":
        if not isinstance(value, bool):
            raise UserError(f"{where}: key {key!r}: expected true or false, got {value!r}")
    elif spec.kind == "str":
        if not isinstance(value, str) or not value.strip():
            raise UserError(f"{where}: key {key!r}: expected a non-empty string, got {value!r}")
    if spec.check is not None:
        problem = spec.check(value)
        if problem:
            raise UserError(f"{where}: key {key!r}: {problem}, got {value!r}")
    return value


def _check_keys(data: dict[str, Any], where: str, ignored: frozenset[str] = frozenset()) -> None:
    for key in data:
        if key not in KEYS and key not in ignored:
            raise UserError(f"{where}: unknown key {key!r} (allowed: {', '.join(KEYS)})")


def load_recipe(path: str | Path) -> dict[str, Any]:
    """Read a recipe file: a mapping of known keys (checked, not yet merged)."""
    path = Path(path)
    data = read_yaml(path, "recipe file")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise UserError(f"{path}: a recipe must be a mapping of keys to values")
    _check_keys(data, str(path))
    return {key: _coerce(key, value, str(path)) for key, value in data.items()}


def merge(recipe: dict[str, Any], spec: dict[str, Any], recipe_path: str | Path) -> Recipe:
    """Recipe defaults, then the spec's keys on top; every required key must end up set."""
    _check_keys(spec, SPEC, IGNORED_SPEC_KEYS)
    values: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for key, meta in KEYS.items():
        if key in spec:
            values[key], origin[key] = _coerce(key, spec[key], SPEC), SPEC
        elif key in recipe:
            values[key], origin[key] = recipe[key], str(recipe_path)
        elif meta.required:
            raise UserError(f"{recipe_path}: missing key {key!r} ({meta.doc})")
        else:
            values[key], origin[key] = meta.default, str(recipe_path)
    return Recipe(values, origin)


def resolve(recipe_path: str | Path, spec: dict[str, Any]) -> Recipe:
    return merge(load_recipe(recipe_path), spec, recipe_path)


def markdown() -> str:
    """The recipe keys as a Markdown table (recipes/README.md carries the same list)."""
    rows = ["| key | type | required | changing it | meaning |", "|---|---|---|---|---|"]
    for key, meta in KEYS.items():
        kind = meta.kind + (" or null" if meta.nullable else "")
        required = "yes" if meta.required else f"no (default {json.dumps(meta.default)})"
        change = "restarts training" if meta.resume else "resumes"
        rows.append(f"| `{key}` | {kind} | {required} | {change} | {meta.doc} |")
    return "\n".join(rows)
