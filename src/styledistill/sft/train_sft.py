"""Rule train_sft: fine-tune a prepared student on one variant's examples, loss on the assistant turn only; check
everything cheap first, train (one process or several), publish the model whole.

The recipe file holds the family's defaults; the spec's `stage` keys override them. Checkpoints live under --work-dir
and a rerun resumes from the last one. The finished model (weights, tokenizer, recipe.yaml, train_log.json,
manifest.json) appears at --out whole or not at all. Several processes (one per GPU, or the recipe's CPU processes
over gloo) are started by a launcher, as the rule does: `torchrun --standalone --nnodes 1 --nproc-per-node N -m
styledistill.cli.train_sft ...`; every rank runs the same command, and rank 0 alone cleans up, logs and publishes.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import time
from pathlib import Path

import yaml

from styledistill.cli._common import load_job, set_threads
from styledistill.errors import UserError
from styledistill.io import (
    atomic_write_text,
    publish_dir,
    read_table,
    sha256_file,
    staging_dir,
    write_json,
    write_manifest,
)
from styledistill.sft.recipe import Recipe, chat_template, resolve
from styledistill.tracking import Reporting, check_installed, from_environment, training_reporting

RULE = "train_sft"


def eos_ids(model_dir: Path) -> list[int]:
    """eos ids of the model's generation config (Llama-3 style models end turns with one of several)."""
    path = model_dir / "generation_config.json"
    if not path.exists():
        return []
    try:
        eos = json.loads(path.read_text()).get("eos_token_id")
    except json.JSONDecodeError:
        return []
    return [int(e) for e in (eos if isinstance(eos, list) else [eos]) if isinstance(e, int)]


def frozen_recipe(recipe: Recipe, data: dict[str, int]) -> str:
    """The recipe as it trained this model, usable as a recipe file again; what became of the examples (over-length
    ones cut or dropped) heads it as comments."""
    counts = "".join(f"#   {key}: {value}\n" for key, value in data.items())
    return (f"# the resolved recipe this model was trained with; its examples:\n{counts}"
            + yaml.safe_dump(recipe.values, sort_keys=False, allow_unicode=True))


def _staging(out: Path, rank: int, world_size: int) -> Path:
    """Where this job builds its model: a fresh sibling of `out`; one shared by all ranks of a multi-process run."""
    if rank == 0:  # staging dirs of a killed run of this job
        for stale in out.parent.glob(f".{out.name}.*.tmp") if out.parent.is_dir() else []:
            shutil.rmtree(stale, ignore_errors=True)
    if world_size == 1:
        return staging_dir(out)
    staging = out.parent / f".{out.name}.staging"
    if rank == 0:
        shutil.rmtree(staging, ignore_errors=True)
    return staging


def run(recipe: Recipe, recipe_file: str, examples: Path, model_dir: Path, out: Path, work_dir: Path, threads: int,
        version: int | None, reporting: Reporting) -> None:
    """Train the student in `model_dir` on `examples` with `recipe`; publish it at `out`."""
    started = time.perf_counter()
    # Everything checkable without torch is checked first: bad input fails in about a second.
    from styledistill.models.loading import model_identity
    from styledistill.sft.data import conversations

    convs = conversations(read_table(examples, "example"), examples, recipe["system_prompt"],
                          recipe["reasoning_layout"])
    if not (model_dir / "config.json").is_file():
        raise UserError(f"{model_dir}: not a model directory (no config.json)")
    identity = model_identity(model_dir)
    examples_sha = sha256_file(examples)

    from styledistill.devices import require_gpus
    from styledistill.models.loading import load_tokenizer
    from styledistill.sft.data import encode_all, end_of_turn_tokens

    require_gpus(recipe["gpus"], recipe.origin["gpus"])  # not a silent CPU run
    if recipe["liger"] and importlib.util.find_spec("liger_kernel") is None:
        raise recipe.error("liger", "set, but the liger-kernel package is not installed (scripts/build-cuda-env.sh: "
                                    "EXTRA=liger-kernel)")
    from styledistill.sft.train import fingerprint, train
    from styledistill.sft.world import world

    tokenizer = load_tokenizer(model_dir, padding_side="right")
    template = chat_template(recipe)
    if template is not None:
        tokenizer.chat_template = template
    end_tokens = end_of_turn_tokens(tokenizer, eos_ids(model_dir))
    features, stats = encode_all(tokenizer, convs, recipe["max_length"], end_tokens, recipe["overlong"])
    if not features:
        longer = f", {stats.dropped_too_long} longer left out (overlong: drop)" if stats.dropped_too_long else ""
        raise recipe.error("max_length", f"no example of {examples} left to train on at {recipe['max_length']} "
                                         f"tokens: {stats.dropped_prompt_too_long} prompt(s) reach it{longer}")
    rank, world_size = world()
    staging = _staging(out, rank, world_size)
    try:
        result = train(recipe, features, tokenizer, model_dir, work_dir, staging, threads,
                       fingerprint(recipe, examples_sha, identity, version, world_size), reporting)
        if rank != 0:
            return
        metrics = {**result.metrics, "wall_seconds": round(time.perf_counter() - started, 2)}
        write_json(staging / "train_log.json", {"metrics": metrics, "data": stats.as_dict(),
                                                "log_history": result.log_history})
        atomic_write_text(staging / "recipe.yaml", frozen_recipe(recipe, stats.as_dict()))
        write_manifest(
            staging, RULE, version, rows=stats.examples_kept,
            examples=str(examples), examples_sha256=examples_sha,
            base_model=str(model_dir), base_model_identity=identity,
            recipe_file=recipe_file, recipe=recipe.values,
            data=stats.as_dict(), metrics=metrics,
        )
        publish_dir(staging, out)
        if not recipe["keep_checkpoints"]:  # the model is published: nothing is left to resume
            shutil.rmtree(work_dir / "checkpoints", ignore_errors=True)
    finally:
        if rank == 0 and staging.exists():
            shutil.rmtree(staging)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--examples", required=True, help="examples table (Parquet, record 'example')")
    p.add_argument("--model", required=True, help="prepared student model directory")
    p.add_argument("--recipe", required=True, help="recipe YAML of the student's family (recipes/sft/<family>.yaml)")
    p.add_argument("--out", required=True, help="model directory to create")
    p.add_argument("--work-dir", required=True, help="restartable state: checkpoints, run fingerprint")


def main(args: argparse.Namespace) -> None:
    from styledistill.sft.world import die_with_launcher, world

    job = load_job(args.spec)
    die_with_launcher()
    set_threads(max(1, args.threads // world()[1]))  # --threads is the job's: shared by its processes
    recipe = resolve(args.recipe, job["stage"])
    tracking = from_environment()
    check_installed(tracking)
    reporting = training_reporting(tracking, args.out)
    run(recipe, str(args.recipe), Path(args.examples), Path(args.model), Path(args.out), Path(args.work_dir),
        args.threads, job.version, reporting)
