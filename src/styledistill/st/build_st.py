"""Rule build_st: the ST set — correct teacher traces only, one per problem, size cap."""

from __future__ import annotations

import argparse
import logging

from styledistill.cli._common import load_job
from styledistill.errors import UserError
from styledistill.io import read_table, write_table
from styledistill.st.select import select_st
from styledistill.st.settings import BuildStSettings

RULE = "build_st"
# what choosing ST reads of the graded traces (the raw completion and the grader's details stay on disk)
NEEDED = ("problem_id", "sample", "question", "gold", "reasoning", "answer_text", "correct", "truncated")
log = logging.getLogger(__name__)


def run(graded_path: str, out: str, settings: BuildStSettings, version: int | None) -> None:
    graded = read_table(graded_path, "graded_trace", columns=NEEDED)
    st = select_st(graded, settings)
    n_problems = graded["problem_id"].nunique()
    log.info("ST: %d of %d problems have a correct trace (%d traces graded)", len(st), n_problems, len(graded))
    if len(st) < settings.min_size:
        raise UserError(f"{graded_path}: only {len(st)} problem(s) have a correct, complete trace; "
                        f"build_st.min_size is {settings.min_size}")
    write_table(st, out, "st", RULE, version, problems_graded=int(n_problems))


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--graded", required=True, help="graded traces (record: graded_trace)")
    p.add_argument("--out", required=True, help="st.parquet to write (record: st)")


def main(args: argparse.Namespace) -> None:
    job = load_job(args.spec)
    run(args.graded, args.out, BuildStSettings.from_spec(job["stage"], "--spec: stage"), job.version)
