"""Rule merge_traces: join the shards' trace tables (sorted by problem id and sample) and their failure sidecars
into the teacher's traces."""

from __future__ import annotations

import argparse

import pandas as pd

from styledistill.cli._common import load_job
from styledistill.errors import UserError
from styledistill.generation.generator import failures_path
from styledistill.io import all_or_none, atomic_write_text, read_table, write_table
from styledistill.records import columns

RULE = "merge_traces"


def merge(shards: list[str], out: str, version: int | None) -> None:
    tables = [read_table(path, "trace") for path in shards]
    traces = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=columns("trace"))
    traces = traces.sort_values(["problem_id", "sample"], kind="stable").reset_index(drop=True)
    if traces.duplicated(["problem_id", "sample"]).any():
        raise UserError(f"--shards: shards overlap (a problem appears in more than one of {shards})")
    sidecars = [failures_path(path) for path in shards]
    with all_or_none(failures_path(out), out):
        atomic_write_text(failures_path(out), "".join(p.read_text(encoding="utf-8") for p in sidecars if p.exists()))
        write_table(traces, out, "trace", RULE, version, shards=len(shards))


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--shards", nargs="+", required=True, help="the shards' traces.parquet files")
    p.add_argument("--out", required=True, help="traces.parquet to write (record: trace)")


def main(args: argparse.Namespace) -> None:
    merge(args.shards, args.out, load_job(args.spec).version)
