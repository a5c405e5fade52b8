"""Problem tables as the stages that answer them read them."""

from __future__ import annotations

import pandas as pd

from styledistill.io import read_table


def read_problems(path: str, limit: int | None) -> pd.DataFrame:
    """The problems a generating stage answers: a problem table, cut to its first `limit` rows when set."""
    problems = read_table(path, "problem")
    return problems.head(limit) if limit else problems
