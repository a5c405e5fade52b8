"""The training run: Hugging Face Trainer, checkpoints under the work dir, auto-resume, final model staged.

Checkpoints go to `<work-dir>/checkpoints/checkpoint-<step>`; a job that was killed resumes from the last complete
one (optimizer, scheduler, RNG and data position included). `<work-dir>/run.json` holds a fingerprint of what shapes
the trajectory (examples, model, recipe without max_steps and save/logging cadence, stage version, world size):
checkpoints made under another fingerprint are deleted rather than resumed from.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from transformers import AutoConfig, AutoModelForCausalLM, Trainer, TrainingArguments
from transformers.trainer_utils import PREFIX_CHECKPOINT_DIR

from styledistill.devices import torch_numerics
from styledistill.io import read_json, write_json
from styledistill.models.loading import best_dtype
from styledistill.sft import attention, chunked_loss
from styledistill.sft.data import IGNORE_INDEX, PackingCollator, PaddingCollator
from styledistill.sft.recipe import Recipe, deepspeed_config, launch_processes, zero_stage
from styledistill.sft.world import world
from styledistill.tracking import Reporting

log = logging.getLogger(__name__)

TRAINER_STATE = "trainer_state.json"


@dataclass
class RunResult:
    log_history: list[dict[str, Any]]
    metrics: dict[str, Any]


def _step(path: Path) -> int:
    return int(path.name.rsplit("-", 1)[1])


def _complete(checkpoint: Path, world_size: int) -> bool:
    """Rank 0 writes trainer_state.json last, but without waiting for the other ranks' RNG states: a checkpoint
    without a readable state, or without a rank's RNG state, was cut short."""
    try:
        json.loads((checkpoint / TRAINER_STATE).read_text())
    except (OSError, json.JSONDecodeError):
        return False
    return world_size == 1 or all((checkpoint / f"rng_state_{rank}.pth").is_file() for rank in range(world_size))


def last_checkpoint(checkpoints_dir: Path, remove_incomplete: bool = True, world_size: int = 1) -> Path | None:
    """The newest complete checkpoint of a run in `world_size` processes; incomplete ones (a kill during saving) are
    removed."""
    if not checkpoints_dir.is_dir():
        return None
    found = sorted((p for p in checkpoints_dir.glob(f"{PREFIX_CHECKPOINT_DIR}-*")
                    if p.is_dir() and p.name.rsplit("-", 1)[1].isdigit()), key=_step)
    for checkpoint in reversed(found):
        if _complete(checkpoint, world_size):
            return checkpoint
        if remove_incomplete:
            log.warning("removing incomplete checkpoint %s", checkpoint)
            shutil.rmtree(checkpoint, ignore_errors=True)
    return None


def prepare_work_dir(work_dir: Path, fingerprint: str, is_main: bool, world_size: int = 1) -> Path | None:
    """Clear checkpoints of another configuration; return the checkpoint to resume from, if any."""
    checkpoints = work_dir / "checkpoints"
    run_file = work_dir / "run.json"
    if is_main:
        work_dir.mkdir(parents=True, exist_ok=True)
        previous = read_json(run_file).get("fingerprint") if run_file.exists() else None
        if checkpoints.exists() and previous != fingerprint:
            log.warning("checkpoints in %s were made with other examples, model or recipe: starting afresh",
                        checkpoints)
            shutil.rmtree(checkpoints)
        write_json(run_file, {"fingerprint": fingerprint})
    return last_checkpoint(checkpoints, remove_incomplete=is_main, world_size=world_size)


def fingerprint(recipe: Recipe, examples_sha256: str, model_identity: str, stage_version: int, world_size: int) -> str:
    parts = [recipe.fingerprint(), examples_sha256, model_identity, str(stage_version), str(world_size)]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


class _SFTTrainer(Trainer):
    """Trainer that counts this session's input and trained (label) tokens.

    The Trainer itself logs `train_tokens_per_second` (non-padding input tokens) with every loss.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.session_input_tokens = 0
        self.session_label_tokens = 0
        self.session_padding_tokens = 0
        self.session_start: float | None = None

    def save_model(self, output_dir: str | None = None, _internal_call: bool = False) -> None:
        """Checkpoints and the final model are saved with the output layer in its place (chunked loss)."""
        chunk_tokens = chunked_loss.restore(self.model)
        try:
            super().save_model(output_dir, _internal_call)
        finally:
            if chunk_tokens is not None:
                chunked_loss.install(self.model, chunk_tokens)

    def training_step(self, model: Any, inputs: dict[str, Any], num_items_in_batch: Any = None) -> Any:
        if self.session_start is None:
            self.session_start = time.perf_counter()
        mask = inputs.get("attention_mask")  # a packed batch has none: it is all tokens
        real = int(mask.sum()) if mask is not None else int(inputs["input_ids"].numel())
        self.session_input_tokens += real
        self.session_padding_tokens += int(inputs["input_ids"].numel()) - real
        self.session_label_tokens += int((inputs["labels"] != IGNORE_INDEX).sum())
        return super().training_step(model, inputs, num_items_in_batch)


def _compute_dtype(recipe: Recipe) -> torch.dtype:
    """auto: bf16 autocast on a GPU; fp32 on CPU, where bf16 autocast trains ~35% slower (weights are cast every
    step) and, rounding small updates away in the forward pass, lowers the loss more slowly (measured on SmolLM2)."""
    if recipe["dtype"] == "auto":
        return best_dtype("auto") if torch.cuda.is_available() else torch.float32
    return getattr(torch, recipe["dtype"])


def _deepspeed_config(recipe: Recipe) -> dict[str, Any] | None:
    config = deepspeed_config(recipe)
    if config is not None:
        try:
            import deepspeed  # noqa: F401
        except ImportError:
            raise recipe.error("deepspeed", "set, but the deepspeed package is not installed") from None
    return config


def training_arguments(recipe: Recipe, work_dir: Path, compute_dtype: torch.dtype,
                       reporting: Reporting) -> TrainingArguments:
    cpu = not torch.cuda.is_available()
    return TrainingArguments(
        output_dir=str(work_dir / "checkpoints"),
        use_cpu=cpu,
        per_device_train_batch_size=recipe["per_device_batch_size"],
        gradient_accumulation_steps=recipe["gradient_accumulation_steps"],
        learning_rate=recipe["learning_rate"],
        num_train_epochs=recipe["epochs"],
        max_steps=recipe["max_steps"] if recipe["max_steps"] is not None else -1,
        lr_scheduler_type=recipe["lr_scheduler"],
        lr_scheduler_kwargs=recipe["lr_scheduler_kwargs"],
        max_grad_norm=recipe["max_grad_norm"],
        warmup_steps=recipe["warmup_ratio"],  # a value < 1 is a ratio of the total steps
        weight_decay=recipe["weight_decay"],
        optim=recipe["optimizer"],
        seed=recipe["seed"],
        data_seed=recipe["seed"],
        bf16=compute_dtype == torch.bfloat16,
        use_liger_kernel=recipe["liger"],
        save_strategy="steps",
        save_steps=recipe["save_steps"],
        save_total_limit=recipe["save_total_limit"],
        logging_strategy="steps",
        logging_steps=recipe["logging_steps"],
        logging_first_step=True,
        include_num_input_tokens_seen="non_padding",
        report_to=list(reporting.report_to),
        run_name=reporting.run_name,
        disable_tqdm=False,
        dataloader_num_workers=0,
        remove_unused_columns=False,
        deepspeed=recipe["deepspeed"],
        activation_checkpointing=recipe["gradient_checkpointing"],
        ddp_backend="gloo" if cpu and world()[1] > 1 else None,
        ddp_find_unused_parameters=False,
    )


def saved_dtype_of(model_dir: Path, max_length: int, recipe: Recipe) -> torch.dtype:
    """The dtype the student's directory was saved in; max_length must fit its positions."""
    config = AutoConfig.from_pretrained(str(model_dir))
    positions = getattr(config, "max_position_embeddings", None)
    if positions and max_length > positions:
        raise recipe.error("max_length", f"{max_length} exceeds the model's max_position_embeddings {positions}")
    dtype = getattr(config, "dtype", None)
    if isinstance(dtype, str):
        dtype = getattr(torch, dtype, None)
    return dtype if isinstance(dtype, torch.dtype) else torch.float32


def attention_of(recipe: Recipe) -> str:
    """The recipe's attention implementation; auto: per-example SDPA for packed rows, SDPA for padded batches."""
    name = recipe["attention"]
    if name == "auto":
        name = attention.NAME if recipe["packing"] else "sdpa"
    return attention.register() if name == attention.NAME else name


def load_student(model_dir: Path, recipe: Recipe) -> Any:
    """The student in fp32: the master weights (bf16 compute, when asked for, is autocast); with LoRA adapters on
    the recipe's modules when it sets lora_rank (only they train)."""
    model = AutoModelForCausalLM.from_pretrained(str(model_dir), dtype=torch.float32,
                                                 attn_implementation=attention_of(recipe))
    model.config.use_cache = False  # also what makes sdpa mask across packed examples (PITFALLS)
    if recipe["lora_rank"] is None:
        return model
    from peft import LoraConfig, get_peft_model

    config = LoraConfig(r=recipe["lora_rank"], lora_alpha=recipe["lora_alpha"], lora_dropout=recipe["lora_dropout"],
                        target_modules=recipe["lora_target_modules"], task_type="CAUSAL_LM")
    return get_peft_model(model, config)


def collator(recipe: Recipe, pad_token_id: int) -> Any:
    """Padding-free packing (one row per batch), or right padding."""
    return PackingCollator() if recipe["packing"] else PaddingCollator(pad_token_id)


def _gather(value: Any) -> list[Any]:
    """`value` from every process (rank order), or [value] in a single process."""
    import torch.distributed as dist

    if not (dist.is_available() and dist.is_initialized()):
        return [value]
    out: list[Any] = [None] * dist.get_world_size()
    dist.all_gather_object(out, value)
    return out


def engine_of(trainer: Trainer) -> dict[str, Any]:
    """What actually trained in this process: the wrapper's class and the ZeRO stage (a silent fallback to plain
    DDP, e.g. ACCELERATE_USE_CPU=true, shows here as DistributedDataParallel and no stage)."""
    stage = trainer.deepspeed.zero_optimization_stage() if trainer.is_deepspeed_enabled else None
    return {"rank": world()[0], "engine": type(trainer.model_wrapped).__name__, "zero_stage": stage}


def _save(trainer: Trainer, recipe: Recipe, save_dir: Path, saved_dtype: torch.dtype, deepspeed: bool) -> None:
    """The trained model into `save_dir` (LoRA adapters merged into the base weights), and its tokenizer."""
    model = trainer.model
    chunked_loss.restore(model)  # the output layer back in its place, under its own name
    if recipe["lora_rank"] is not None:
        merged = model.merge_and_unload()
        merged.config.use_cache = True
        if world()[0] == 0:
            merged.to(saved_dtype).save_pretrained(str(save_dir))
            trainer.processing_class.save_pretrained(str(save_dir))
        trainer.accelerator.wait_for_everyone()
        return
    model.config.use_cache = True
    if not deepspeed:
        model.to(saved_dtype)
    trainer.save_model(str(save_dir))
    trainer.accelerator.wait_for_everyone()


def train(recipe: Recipe, features: list[dict[str, list[int]]], tokenizer: Any, model_dir: Path, work_dir: Path,
          save_dir: Path, threads: int, run_fingerprint: str, reporting: Reporting) -> RunResult:
    """Train (resuming when possible) and save model + tokenizer into `save_dir` (all ranks must call this)."""
    torch.set_num_threads(max(1, threads))
    ds_config = _deepspeed_config(recipe)
    saved_dtype = saved_dtype_of(model_dir, recipe["max_length"], recipe)
    rank, world_size = world()
    if world_size != launch_processes(recipe):
        log.warning("the recipe asks for %d process(es), this run has %d: was it launched by hand?",
                    launch_processes(recipe), world_size)
    compute_dtype = _compute_dtype(recipe)
    args = training_arguments(recipe, work_dir, compute_dtype, reporting)
    if ds_config and zero_stage(ds_config) == 3 and args.use_cpu:
        import deepspeed

        deepspeed.init_distributed(dist_backend="gloo")  # before from_pretrained, or ZeRO-3 cannot partition
    with args.main_process_first(desc="checkpoint look-up", local=False):
        resume_from = prepare_work_dir(work_dir, run_fingerprint, is_main=rank == 0, world_size=world_size)
    student = load_student(model_dir, recipe)
    if recipe["loss"] == "chunked":
        chunked_loss.install(student, recipe["loss_chunk_tokens"])
    trainer = _SFTTrainer(
        model=student,
        args=args,
        train_dataset=features,
        data_collator=collator(recipe, tokenizer.pad_token_id),
        processing_class=tokenizer,
    )
    if ds_config is not None and not trainer.is_deepspeed_enabled:
        # e.g. ACCELERATE_USE_CPU=true makes accelerate run plain DDP without a word
        raise recipe.error("deepspeed", "set, but the Trainer is not running DeepSpeed (is ACCELERATE_USE_CPU "
                                        "set in the environment?)")
    resumed_step = None
    if resume_from is not None:
        resumed_step = json.loads((resume_from / TRAINER_STATE).read_text()).get("global_step")
        log.info("resuming from %s (step %s)", resume_from, resumed_step)
    log.info("training %d examples: %s compute, %d thread(s), %d process(es)",
             len(features), str(compute_dtype).removeprefix("torch."), threads, world_size)
    started = time.perf_counter()
    output = trainer.train(resume_from_checkpoint=str(resume_from) if resume_from else None)
    finished = time.perf_counter()
    train_seconds = finished - started
    session_seconds = finished - trainer.session_start if trainer.session_start else 0.0

    engines = _gather(engine_of(trainer))
    # ZeRO-3 leaves each process a shard: ds_numel is a parameter's full size
    trainable = sum(getattr(p, "ds_numel", p.numel()) for p in trainer.model.parameters() if p.requires_grad)
    _save(trainer, recipe, save_dir, saved_dtype, ds_config is not None)
    (save_dir / "training_args.bin").unlink(missing_ok=True)

    # this session's token counts, summed over all processes
    counts = torch.tensor([trainer.session_input_tokens, trainer.session_label_tokens,
                           trainer.session_padding_tokens], dtype=torch.int64)
    input_tokens, label_tokens, padding_tokens = (
        int(v) for v in trainer.accelerator.reduce(counts, reduction="sum").tolist())
    history = list(trainer.state.log_history)
    losses = [entry["loss"] for entry in history if "loss" in entry]
    metrics = {
        "final_loss": losses[-1] if losses else None,
        "first_loss": losses[0] if losses else None,
        "train_loss": output.metrics.get("train_loss"),
        "global_step": trainer.state.global_step,
        "max_steps": trainer.state.max_steps,
        "epochs_done": trainer.state.epoch,
        "resumed_from_step": resumed_step,
        "steps_this_run": trainer.state.global_step - (resumed_step or 0),
        "input_tokens": input_tokens,
        "tokens_trained": label_tokens,
        "input_tokens_total": trainer.state.num_input_tokens_seen,
        "tokens_per_s": round(input_tokens / session_seconds, 2) if session_seconds else None,
        "train_seconds": round(train_seconds, 2),
        "compute_dtype": str(compute_dtype).removeprefix("torch."),
        "saved_dtype": str(saved_dtype).removeprefix("torch.") if ds_config is None else None,
        "world_size": world_size,
        "processes": engines,
        "packing": recipe["packing"],
        "attention": trainer.model.config._attn_implementation,
        "padding_share": round(padding_tokens / (input_tokens + padding_tokens), 4) if input_tokens else None,
        "trainable_parameters": trainable,
        "computed_on": torch_numerics(trainer.model, compute_dtype),
    }
    if rank == 0:
        log.info("trained %d step(s) this run (global step %d): final loss %s, %s input tokens/s",
                 metrics["steps_this_run"], metrics["global_step"], metrics["final_loss"], metrics["tokens_per_s"])
    return RunResult(history, metrics)
