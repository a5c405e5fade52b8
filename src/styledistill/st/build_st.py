"""Rule build_st: the ST set — correct teacher traces only, one per problem, size cap."""

from __future__ import annotations

import argparse
import logging

import numpy as np
import pandas as pd
import pyarrow as pa

from styledistill.cli._common import load_job
from styledistill.errors import UserError
from styledistill.io import read_arrow_batches, read_table_batches, write_arrow_table
from styledistill.st.select import ST_COLUMNS, candidates, choose
from styledistill.st.settings import BuildStSettings

RULE = "build_st"
# what choosing ST reads of the graded traces (the raw completion and the grader's details stay on disk)
CHOICE = ("problem_id", "sample", "reasoning", "correct", "truncated")
BATCH_ROWS = 50_000  # graded traces read at a time: ST is chosen on keys and lengths, then its texts are read
log = logging.getLogger(__name__)


def chosen_traces(graded_path: str, rows: np.ndarray) -> pa.Table:
    """The ST columns of the graded table's `rows`, in the order given: a second pass that keeps only those rows
    (as Arrow: the texts never become Python objects)."""
    in_file_order = np.sort(rows)
    parts, first = [], 0
    for batch in read_arrow_batches(graded_path, "graded_trace", BATCH_ROWS, columns=ST_COLUMNS):
        inside = in_file_order[(in_file_order >= first) & (in_file_order < first + batch.num_rows)]
        parts.append(batch.select(ST_COLUMNS).take(inside - first))
        first += batch.num_rows
    if not parts:
        return pa.Table.from_pandas(pd.DataFrame(columns=ST_COLUMNS))
    return pa.concat_tables(parts).take(np.searchsorted(in_file_order, rows))


def run(graded_path: str, out: str, settings: BuildStSettings, version: int | None) -> None:
    found, problems, first = [], [], 0
    for batch in read_table_batches(graded_path, "graded_trace", BATCH_ROWS, columns=CHOICE):
        found.append(candidates(batch, first))
        problems.append(batch["problem_id"])
        first += len(batch)
    pool = pd.concat(found, ignore_index=True) if found else candidates(pd.DataFrame(columns=CHOICE))
    chosen = choose(pool, settings)
    n_problems = pd.concat(problems).nunique() if problems else 0
    log.info("ST: %d of %d problems have a correct trace (%d traces graded)", len(chosen), n_problems, first)
    if len(chosen) < settings.min_size:
        raise UserError(f"{graded_path}: only {len(chosen)} problem(s) have a correct, complete trace; "
                        f"build_st.min_size is {settings.min_size}")
    write_arrow_table(chosen_traces(graded_path, chosen["row"].to_numpy()), out, "st", RULE, version,
                      problems_graded=int(n_problems))


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--graded", required=True, help="graded traces (record: graded_trace)")
    p.add_argument("--out", required=True, help="st.parquet to write (record: st)")


def main(args: argparse.Namespace) -> None:
    job = load_job(args.spec)
    run(args.graded, args.out, BuildStSettings.from_spec(job["stage"], "--spec: stage"), job.version)
