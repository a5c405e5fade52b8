"""SFT recipes: a family's training defaults (recipes/sft/<family>.yaml), overridden key by key by the job's settings.

`RecipeSettings` is the key table: each field's type, range, default (a field without one must be set by the recipe
file) and description, plus whether changing it restarts training (`resume: False` keys do not). Both sides accept
only these keys; an unknown or ill-typed key fails in one line naming the key and where it came from (the recipe
file, or the overrides: `--spec: stage` in a job, `config: families.<name>.sft` at the dry run).
`recipes/README.md` carries the table `markdown()` prints.
"""

from __future__ import annotations

import hashlib
import json
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import ValidationError, model_validator

from styledistill.errors import UserError
from styledistill.io import read_json, read_yaml, sha256_file
from styledistill.settings import Field, Float, Key, Text, describe_error, one_of
from styledistill.sft.hf_names import OPTIMIZERS, SCHEDULER_KWARGS, SCHEDULERS
from styledistill.shared_settings import SystemPrompt

# Keys whose change does not restart training (checkpoints made under another value are resumed from).
NO_RESTART = {"json_schema_extra": {"resume": False}}


class RecipeSettings(SystemPrompt):
    learning_rate: Float = Field(1.0e-5, gt=0, description="peak learning rate (AdamW)")
    epochs: Float = Field(3, gt=0, description="passes over the examples (fractions allowed); max_steps, when set, "
                          "wins")
    per_device_batch_size: int = Field(1, ge=1, le=65_536, description="examples per forward pass per process")
    gradient_accumulation_steps: int = Field(1, ge=1, le=65_536, description="forward passes per optimizer step")
    max_length: int = Field(4096, ge=8, le=16_777_216, description="token limit per conversation: longer ones are cut "
                            "at the end; an example whose prompt alone reaches it is dropped (and counted)")
    lr_scheduler: Annotated[Text, one_of(SCHEDULERS, "scheduler")] = Field(
        "cosine", description="Hugging Face scheduler name (cosine, linear, constant, ...)")
    warmup_ratio: Float = Field(0.03, ge=0, lt=1, description="fraction of the optimizer steps spent warming the "
                                "learning rate up")
    lr_scheduler_kwargs: dict[Key, Float | int | Text] = Field(
        default_factory=dict, description="the scheduler's own arguments (e.g. cosine_with_min_lr: {min_lr_rate: 0.1}, "
        "as open-r1's recipes set); each must be one the scheduler takes")
    max_grad_norm: Float = Field(1.0, ge=0, description="gradient clipping: gradients are scaled down to this global "
                                 "norm (0: no clipping)")
    weight_decay: Float = Field(0.0, ge=0, description="AdamW weight decay")
    optimizer: Annotated[Text, one_of(OPTIMIZERS, "optimizer")] = Field(
        "adamw_torch", description="Hugging Face optimizer name (adamw_torch, adamw_torch_fused, adafactor, ...)")
    seed: int = Field(42, ge=0, le=2**32 - 1, description="seed of the data order and dropout (the weights come from "
                      "--model)")
    dtype: Literal["auto", "float32", "bfloat16"] = Field(
        "auto", description="compute dtype: float32, bfloat16 (fp32 master weights + bf16 autocast) or auto (bfloat16 "
        "on a GPU that supports it, float32 on CPU); the saved model keeps the input model's dtype")
    save_steps: int = Field(200, ge=1, description="checkpoint every N optimizer steps under the work dir (and at "
                            "the end)", **NO_RESTART)
    logging_steps: int = Field(5, ge=1, description="log loss, learning rate and tokens/s every N optimizer steps",
                               **NO_RESTART)
    max_steps: int | None = Field(None, ge=1, description="stop after N optimizer steps in total (null: run all "
                                  "epochs); raising it continues from the last checkpoint", **NO_RESTART)
    save_total_limit: int = Field(2, ge=1, description="checkpoints kept under the work dir (older ones are "
                                  "deleted)", **NO_RESTART)
    keep_checkpoints: bool = Field(False, description="keep the checkpoints under the work dir once the model is "
                                   "published (they hold optimizer state: ~1.6 GB each for SmolLM2)", **NO_RESTART)
    deepspeed: Text | None = Field(None, description="path of a DeepSpeed JSON config (recipes/deepspeed/: ZeRO-2, "
                                   "ZeRO-3, ZeRO-3 with CPU offload), relative to the working directory; a rule "
                                   "input, so editing it reruns the jobs that use it; null: no DeepSpeed")
    gpus: int = Field(0, ge=0, le=64, description="GPUs per training job, one process each (the rule's `gpu` "
                      "resource); 0: train on CPU")
    processes: int = Field(1, ge=1, le=64, description="CPU processes (over gloo) when gpus is 0: the same "
                           "multi-process path as on GPUs (DeepSpeed, sharded checkpoints), for tests and CPU nodes")
    packing: bool = Field(False, description="padding-free packing: a batch's examples concatenated into one row, "
                          "position ids reset per example, attention within each example only")
    attention: Literal["auto", "packed_sdpa", "flash_attention_2", "sdpa", "eager"] = Field(
        "auto", description="attention implementation: auto is packed_sdpa (per-example SDPA, ours) with packing and "
        "sdpa without; flash_attention_2 needs the flash-attn package and a GPU")
    loss: Literal["full", "chunked"] = Field(
        "full", description="the cross-entropy over the whole batch's logits at once, or a chunk of trained tokens at "
        "a time (the same value and gradients; the logits of one chunk in memory instead of the batch's: at 16k "
        "tokens a 152k vocabulary's fp32 logits are ~9 GB per sequence)")
    loss_chunk_tokens: int = Field(1024, ge=1, le=1_048_576, description="trained tokens per chunk of the chunked "
                                   "loss")
    liger: bool = Field(False, description="Liger's Triton kernels (fused RMSNorm, RoPE, SwiGLU and linear "
                        "cross-entropy, through transformers' use_liger_kernel; GPUs only, with the liger-kernel "
                        "package): less memory at long context; its own fused loss, so not with loss: chunked")
    gradient_checkpointing: bool = Field(False, description="recompute activations in the backward pass (less "
                                         "memory, ~30% more compute)")
    reasoning_layout: Literal["think", "plain"] = Field("think", description="where the reasoning goes in the "
                                                        "target: inside <think>…</think> before the answer, or plain "
                                                        "text before it")
    overlong: Literal["truncate", "drop"] = Field("truncate", description="a conversation longer than max_length: "
                                                  "cut at max_length, or left out (counted either way)")
    chat_template: Text | None = Field(None, description="path of a Jinja chat template that replaces the "
                                       "student's own (as open-r1 recipes do); a rule input; null: the student's")
    lora_rank: int | None = Field(None, ge=1, le=65_536, description="LoRA rank (peft): train low-rank adapters "
                                  "only, merged into the saved model; null: full fine-tuning")
    lora_alpha: int = Field(16, ge=1, description="LoRA scaling alpha")
    lora_dropout: Float = Field(0.05, ge=0, lt=1, description="dropout on the LoRA path")
    lora_target_modules: Text | list[Text] = Field(
        "all-linear", description="modules that get adapters: a list of names (q_proj, v_proj, ...), or all-linear "
        "(every linear layer but the output head)")
    base_model: Text | None = Field(None, description="the hub id this recipe is written for (documentation: the "
                                    "family's `model` entry supplies the weights)", **NO_RESTART)

    @model_validator(mode="after")
    def _scheduler_arguments(self) -> RecipeSettings:
        takes = SCHEDULER_KWARGS[self.lr_scheduler]
        unknown = sorted(set(self.lr_scheduler_kwargs) - set(takes))
        if unknown:
            raise ValueError(f"lr_scheduler_kwargs: {unknown} not taken by scheduler {self.lr_scheduler} (it takes: "
                             f"{', '.join(takes) or 'nothing'})")
        if "min_lr" in takes and not {"min_lr", "min_lr_rate"} & set(self.lr_scheduler_kwargs):
            raise ValueError(f"lr_scheduler: {self.lr_scheduler} needs min_lr or min_lr_rate in lr_scheduler_kwargs")
        return self

    @model_validator(mode="after")
    def _devices_fit(self) -> RecipeSettings:
        if self.gpus and self.processes > 1:
            raise ValueError(f"processes: {self.processes} is for CPU training (gpus: 0); with gpus: {self.gpus} the "
                             "job runs one process per GPU")
        if self.attention == "flash_attention_2" and not self.gpus:
            raise ValueError("attention: flash_attention_2 needs GPUs (gpus: 0 here); packed_sdpa reads the same "
                             "example bounds on the CPU")
        if self.liger and not self.gpus:
            raise ValueError("liger: Triton kernels need GPUs (gpus: 0 here); on the CPU, loss: chunked saves the "
                             "logits' memory")
        if self.liger and self.loss == "chunked":
            raise ValueError("liger: its fused linear cross-entropy is a chunked loss of its own; set loss: full")
        return self

    @classmethod
    def restarts_training(cls, key: str) -> bool:
        return (cls.model_fields[key].json_schema_extra or {}).get("resume", True)


def overrides_schema(schema: dict[str, Any]) -> None:
    """The JSON schema of a family's `sft` overrides: any recipe key, none required, no defaults of their own."""
    keys = RecipeSettings.model_json_schema()["properties"]
    schema["additionalProperties"] = False
    schema["properties"] = {key: {k: v for k, v in node.items() if k not in ("default", "title")}
                            for key, node in keys.items()}


@dataclass
class Recipe:
    """Resolved recipe settings, with where each value came from (for error messages)."""

    settings: RecipeSettings
    origin: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return getattr(self.settings, key)

    @property
    def values(self) -> dict[str, Any]:
        return self.settings.to_spec()

    def error(self, key: str, message: str) -> UserError:
        return UserError(f"{self.origin.get(key, '--spec: stage')}: key {key!r}: {message}")

    def files(self) -> list[str]:
        """The files the recipe names (a DeepSpeed config, a chat template): rule inputs of its jobs."""
        return [self[key] for key in ("deepspeed", "chat_template") if self[key] is not None]

    def fingerprint(self) -> str:
        """Hash of the values that shape the training trajectory (not max_steps, save/logging cadence), and of the
        contents of the files they name (a DeepSpeed config or chat template edited between a kill and the rerun)."""
        relevant = {k: v for k, v in sorted(self.values.items()) if RecipeSettings.restarts_training(k)}
        relevant["file contents"] = {path: sha256_file(path) for path in self.files() if Path(path).is_file()}
        return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()[:16]


def _check_keys(data: dict[str, Any], where: str) -> None:
    unknown = sorted(set(data) - set(RecipeSettings.model_fields))
    if unknown:
        raise UserError(f"{where}: unknown key(s) {unknown} (allowed: {', '.join(RecipeSettings.model_fields)})")


def load_recipe(path: str | Path) -> dict[str, Any]:
    """Read a recipe file: a mapping of known keys (checked when merged)."""
    data = read_yaml(path, "recipe file")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise UserError(f"{path}: a recipe must be a mapping of keys to values")
    _check_keys(data, str(path))
    return data


def merge(recipe: dict[str, Any], overrides: dict[str, Any], recipe_path: str | Path,
          where: str = "--spec: stage", label: str | None = None) -> Recipe:
    """Recipe file values, then the overrides on top; every key without a default must end up set.

    Errors name `where` for an override and the recipe file (or `label`, when given) for the rest.
    """
    _check_keys(overrides, where)
    merged = {**recipe, **overrides}
    file = label or str(recipe_path)
    origin = {key: (where if key in overrides else file) for key in RecipeSettings.model_fields}
    try:
        settings = RecipeSettings.model_validate(merged)
    except ValidationError as exc:
        loc = exc.errors()[0]["loc"]
        # a check across keys has no location: its message starts with the key it is about ("processes: ...")
        key = loc[0] if loc else exc.errors()[0]["msg"].removeprefix("Value error, ").split(":")[0]
        raise UserError(describe_error(RecipeSettings, exc, origin.get(key, file))) from None
    return Recipe(settings, origin)


def resolve(recipe_path: str | Path, overrides: dict[str, Any], where: str = "--spec: stage") -> Recipe:
    return merge(load_recipe(recipe_path), overrides, recipe_path, where)


def launch_processes(recipe: Recipe) -> int:
    """Processes one training job runs: one per GPU, else the recipe's CPU processes."""
    return recipe["gpus"] or recipe["processes"]


def launcher(recipe: Recipe) -> list[str]:
    """What runs `-m styledistill.cli.train_sft` (the rule's command, and the one to type by hand): python for one
    process without DeepSpeed; else torchrun, one process per GPU or CPU process, on a free local port
    (`--standalone`), so jobs that share a node do not collide. torchrun ships with torch, sets the environment the
    Trainer and DeepSpeed read, and is what a SLURM job runs on its node."""
    processes = launch_processes(recipe)
    if processes == 1 and recipe["deepspeed"] is None:  # DeepSpeed wants a launcher's environment, even for one
        return ["python", "-m"]
    return ["torchrun", "--standalone", "--nnodes", "1", "--nproc-per-node", str(processes), "-m"]


def chat_template(recipe: Recipe) -> str | None:
    """The Jinja chat template the recipe names (replacing the student's), or None."""
    path = recipe["chat_template"]
    if path is None:
        return None
    if not Path(path).is_file():
        raise recipe.error("chat_template", f"file {path} not found")
    text = Path(path).read_text(encoding="utf-8")
    if "{%" not in text and "{{" not in text:
        raise recipe.error("chat_template", f"{path} is not a Jinja template")
    return text


def deepspeed_config(recipe: Recipe) -> dict[str, Any] | None:
    """The DeepSpeed config the recipe names (a JSON object), or None."""
    path = recipe["deepspeed"]
    if path is None:
        return None
    if not Path(path).is_file():
        raise recipe.error("deepspeed", f"file {path} not found")
    try:
        config = read_json(path, "DeepSpeed config")
    except UserError as exc:
        raise recipe.error("deepspeed", str(exc)) from None
    if not isinstance(config, dict):
        raise recipe.error("deepspeed", f"{path} is not a JSON object")
    if recipe["lora_rank"] is not None and zero_stage(config) == 3:
        raise recipe.error("lora_rank", "LoRA adapters are merged on save, which ZeRO-3's sharded weights do not "
                                        "allow here: use ZeRO-2 (recipes/deepspeed/zero2.json) with LoRA")
    return config


def zero_stage(config: dict[str, Any]) -> int | None:
    """The ZeRO stage of a DeepSpeed config (None: no ZeRO section)."""
    return (config.get("zero_optimization") or {}).get("stage")


def markdown() -> str:
    """The recipe keys as a Markdown table (generated into recipes/README.md)."""
    rows = ["| key | type | default | changing it | meaning |", "|---|---|---|---|---|"]
    for key, info in RecipeSettings.model_fields.items():
        change = "restarts training" if RecipeSettings.restarts_training(key) else "resumes"
        default = info.default_factory() if info.default_factory is not None else info.default
        rows.append(f"| `{key}` | {_kind(info.annotation)} | `{json.dumps(default)}` | {change} | "
                    f"{info.description} |")
    return "\n".join(rows)


def _kind(annotation: Any) -> str:
    """A field's type for people: int, float, str, bool, "one of a, b", with "or null" when it may be null."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        kinds = [_kind(arg) for arg in args if arg is not type(None)]
        return " or ".join(kinds + (["null"] if type(None) in args else []))
    if origin is typing.Annotated:
        return _kind(args[0])
    if origin is Literal:
        return "one of " + ", ".join(str(arg) for arg in args)
    if origin is dict:
        return "mapping"
    return getattr(annotation, "__name__", str(annotation))
