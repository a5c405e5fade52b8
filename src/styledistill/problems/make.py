"""The make_problems stage: a problem table built from the source a spec names."""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

import pandas as pd

from styledistill.errors import UserError
from styledistill.io import write_table
from styledistill.problems.sources import SOURCES
from styledistill.records import columns
from styledistill.settings import pick

log = logging.getLogger(__name__)


def make_problems(spec: dict[str, Any], cache_dir: str | None) -> tuple[pd.DataFrame, str]:
    """The problem table a source spec describes, and the source's name."""
    source = pick(SOURCES, spec, "source", "--spec: stage")
    settings = source.settings.from_spec(spec, "--spec: stage")
    df = pd.DataFrame(source.load(settings, cache_dir), columns=columns("problem"))
    df["level"] = pd.array(df["level"].tolist(), dtype="Int64")
    duplicated = df["problem_id"][df["problem_id"].duplicated()]
    if len(duplicated):
        raise UserError(f"--spec: problem ids are not unique, e.g. {duplicated.iloc[0]!r}")
    return df, settings.source


def run(spec: dict[str, Any], out: str, cache_dir: str | None, stage: str, version: int) -> None:
    df, source = make_problems(spec, cache_dir)
    write_table(df, out, "problem", stage, version, source=source)
    levels = Counter("?" if pd.isna(level) else int(level) for level in df["level"])
    log.info("wrote %d %s problems to %s (levels: %s)", len(df), df["split"].iloc[0], out,
             ", ".join(f"{k}: {v}" for k, v in sorted(levels.items(), key=lambda kv: str(kv[0]))))
