"""Join the shards' trace tables and failure sidecars into the stage's output."""

from __future__ import annotations

import pandas as pd

from styledistill.errors import UserError
from styledistill.generation.jobs import failures_path
from styledistill.io import all_or_none, atomic_write_text, read_table, write_table
from styledistill.records import columns


def merge(shards: list[str], out: str, stage: str, version: int) -> None:
    tables = [read_table(path, "trace") for path in shards]
    traces = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=columns("trace"))
    traces = traces.sort_values(["problem_id", "sample"], kind="stable").reset_index(drop=True)
    if traces.duplicated(["problem_id", "sample"]).any():
        raise UserError(f"--merge: shards overlap (a problem appears in more than one of {shards})")
    sidecars = [failures_path(path) for path in shards]
    with all_or_none(failures_path(out), out):
        atomic_write_text(failures_path(out), "".join(p.read_text(encoding="utf-8") for p in sidecars if p.exists()))
        write_table(traces, out, "trace", stage, version, shards=len(shards))
