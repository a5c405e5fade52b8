"""Stage train_sft: fine-tune a prepared student on one variant's examples, loss on the assistant turn only.

The recipe file holds the family's defaults; the spec's keys override them. Checkpoints live under --work-dir and a
rerun resumes from the last one. The finished model (weights, tokenizer, train_log.json, manifest.json) appears
at --out whole or not at all.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Sequence
from pathlib import Path

from styledistill.cli._common import load_spec, parser, run, set_threads
from styledistill.errors import UserError
from styledistill.io import publish_dir, read_table, sha256_file, staging_dir, write_json, write_manifest
from styledistill.versions import version

STAGE = "train_sft"


def _eos_ids(model_dir: Path) -> list[int]:
    """eos ids of the model's generation config (Llama-3 style models end turns with one of several)."""
    path = model_dir / "generation_config.json"
    if not path.exists():
        return []
    try:
        eos = json.loads(path.read_text()).get("eos_token_id")
    except json.JSONDecodeError:
        return []
    return [int(e) for e in (eos if isinstance(eos, list) else [eos]) if isinstance(e, int)]


def main(argv: Sequence[str] | None = None) -> None:
    p = parser(STAGE, __doc__)
    p.add_argument("--examples", required=True, help="examples table (Parquet, record 'example')")
    p.add_argument("--model", required=True, help="prepared student model directory")
    p.add_argument("--recipe", required=True, help="recipe YAML of the student's family (recipes/<family>.yaml)")
    p.add_argument("--out", required=True, help="model directory to create")
    p.add_argument("--work-dir", required=True, help="restartable state: checkpoints, run fingerprint")
    args = p.parse_args(argv)
    started = time.perf_counter()
    spec = load_spec(args.spec)
    set_threads(args.threads)

    # Everything checkable without torch is checked first: bad input fails in about a second.
    from styledistill.models.loading import model_identity
    from styledistill.sft.data import conversations
    from styledistill.sft.recipe import resolve

    recipe = resolve(args.recipe, spec)
    examples, model_dir, out, work_dir = Path(args.examples), Path(args.model), Path(args.out), Path(args.work_dir)
    convs = conversations(read_table(examples, "example"), examples, recipe["system_prompt"])
    if not (model_dir / "config.json").is_file():
        raise UserError(f"{model_dir}: not a model directory (no config.json)")
    identity = model_identity(model_dir)
    examples_sha = sha256_file(examples)

    from styledistill.models.loading import load_tokenizer
    from styledistill.sft.data import encode_all, end_of_turn_tokens
    from styledistill.sft.train import fingerprint, train, world

    tokenizer = load_tokenizer(model_dir, padding_side="right")
    end_tokens = end_of_turn_tokens(tokenizer, _eos_ids(model_dir))
    features, stats = encode_all(tokenizer, convs, recipe["max_length"], end_tokens)
    if not features:
        raise recipe.error("max_length", f"every prompt in {examples} reaches {recipe['max_length']} tokens; "
                                         "no example left to train on")

    rank, world_size = world()
    if rank == 0:  # staging dirs of a killed run of this job
        for stale in out.parent.glob(f".{out.name}.*.tmp") if out.parent.is_dir() else []:
            shutil.rmtree(stale, ignore_errors=True)
    if world_size == 1:
        staging = staging_dir(out)
    else:  # every rank must save into the same directory
        staging = out.parent / f".{out.name}.staging"
        if rank == 0:
            shutil.rmtree(staging, ignore_errors=True)
    try:
        result = train(recipe, features, tokenizer, model_dir, work_dir, staging, args.threads,
                       fingerprint(recipe, examples_sha, identity, version(STAGE), world_size))
        if rank != 0:
            return
        metrics = {**result.metrics, "wall_seconds": round(time.perf_counter() - started, 2)}
        write_json(staging / "train_log.json", {"metrics": metrics, "log_history": result.log_history})
        write_manifest(
            staging, STAGE, version(STAGE), rows=stats.examples_kept,
            examples=str(examples), examples_sha256=examples_sha,
            base_model=str(model_dir), base_model_identity=identity,
            recipe_file=str(args.recipe), recipe=recipe.values,
            data=stats.as_dict(), metrics=metrics,
        )
        publish_dir(staging, out)
        if not recipe["keep_checkpoints"]:  # the model is published: nothing is left to resume
            shutil.rmtree(work_dir / "checkpoints", ignore_errors=True)
    finally:
        if rank == 0 and staging.exists():
            shutil.rmtree(staging)


if __name__ == "__main__":
    raise SystemExit(run(main))
