"""The make_problems stage: a problem table built from the source a spec names."""

from __future__ import annotations

from typing import Any

import pandas as pd

from styledistill.errors import UserError
from styledistill.problems.sources import SOURCES
from styledistill.records import columns
from styledistill.settings import pick


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
