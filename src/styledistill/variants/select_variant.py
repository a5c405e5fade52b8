"""Rule select_variant: one variant's training set, its accepted examples of the aligned problems
(train.parquet)."""

from __future__ import annotations

import argparse

import pandas as pd

from styledistill.cli._common import load_job
from styledistill.errors import UserError
from styledistill.io import read_json, read_table, write_table
from styledistill.variants.rows import ENFORCED_ANSWER, OK
from styledistill.variants.settings import SelectJob

RULE = "select_variant"


def same_answers(examples: pd.DataFrame) -> pd.DataFrame:
    """Every example with a reasoning ends in the one-line final answer of its target (the gold, or a wrong one)."""
    target = examples["target_answer"].where(examples["target_answer"].astype(str).str.len() > 0, examples["gold"])
    lines = [ENFORCED_ANSWER.format(t) for t in target]
    return examples.assign(answer_text=examples["answer_text"].where(examples["reasoning"].str.len() == 0, lines))


def select(raw_path: str, problems_path: str, out: str, settings: SelectJob, version: int | None) -> None:
    """One variant's training set: its accepted examples of the aligned problems, in problem order, their answers in
    the settings' form. A variant that defines the aligned set must cover all of it; another trains on what it has."""
    raw = read_table(raw_path, "example")
    ids = read_json(problems_path, "aligned problems")
    kept = raw[(raw["status"] == OK) & raw["problem_id"].isin(ids)].sort_values("problem_id").reset_index(drop=True)
    missing = sorted(set(ids) - set(kept["problem_id"]))
    if missing and settings.complete:
        raise UserError(f"{raw_path}: aligned problem(s) {missing[:5]} have no accepted example here; rerun the "
                        "align step (its alignment is older than this variant)")
    if settings.answer_form == "same":
        kept = same_answers(kept)
    write_table(kept, out, "example", RULE, version)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--raw", required=True, help="the variant's raw examples")
    p.add_argument("--problems", required=True, help="the aligned problem ids (problems-<digest>.json)")
    p.add_argument("--out", required=True, help="train.parquet")


def main(args: argparse.Namespace) -> None:
    job = load_job(args.spec)
    select(args.raw, args.problems, args.out, SelectJob.from_spec(job["stage"], "--spec: stage"), job.version)
