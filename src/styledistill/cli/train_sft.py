"""Stage train_sft: fine-tune a prepared student on one variant's examples, loss on the assistant turn only.

The recipe file holds the family's defaults; the spec's `stage` keys override them. Checkpoints live under --work-dir
and a rerun resumes from the last one. The finished model (weights, tokenizer, recipe.yaml, train_log.json,
manifest.json) appears at --out whole or not at all. Several processes (one per GPU, or the recipe's CPU processes
over gloo) are started by a launcher, as the rule does: `torchrun --standalone --nnodes 1 --nproc-per-node N -m
styledistill.cli.train_sft ...`; every rank runs the same command and rank 0 publishes the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from styledistill.cli._common import load_job, parser, run, set_threads
from styledistill.versions import version

STAGE = "train_sft"


def main(argv: Sequence[str] | None = None) -> None:
    p = parser(STAGE, __doc__)
    p.add_argument("--examples", required=True, help="examples table (Parquet, record 'example')")
    p.add_argument("--model", required=True, help="prepared student model directory")
    p.add_argument("--recipe", required=True, help="recipe YAML of the student's family (recipes/sft/<family>.yaml)")
    p.add_argument("--out", required=True, help="model directory to create")
    p.add_argument("--work-dir", required=True, help="restartable state: checkpoints, run fingerprint")
    args = p.parse_args(argv)
    job = load_job(args.spec)
    from styledistill.sft.world import die_with_launcher, world

    die_with_launcher()
    set_threads(max(1, args.threads // world()[1]))  # --threads is the job's: shared by its processes
    from styledistill.sft import job as sft_job
    from styledistill.sft.recipe import resolve

    recipe = resolve(args.recipe, job["stage"])
    sft_job.run(recipe, str(args.recipe), Path(args.examples), Path(args.model), Path(args.out),
                Path(args.work_dir), args.threads, STAGE, version(STAGE))


if __name__ == "__main__":
    raise SystemExit(run(main))
