"""Problem tables as the stages that answer them read them."""

from __future__ import annotations

import pandas as pd

from styledistill.io import read_table


def read_problems(path: str, limit: int | None) -> pd.DataFrame:
    """The problems a generating stage answers: a problem table, cut to its first `limit` rows when set."""
    problems = read_table(path, "problem")
    return problems.head(limit) if limit else problems


def shard_of(problems: pd.DataFrame, shard: int, shards: int) -> pd.DataFrame:
    """The problems of one shard: every `shards`-th row, starting at row `shard`."""
    return problems.iloc[shard::shards]


def by_position(rows: pd.DataFrame, problems: pd.DataFrame) -> pd.DataFrame:
    """Rows of several shards (problem_id, sample) back in the order one job writes them: the problems' order, then
    the sample index."""
    position = {pid: i for i, pid in enumerate(problems["problem_id"])}
    order = rows["problem_id"].map(position)
    return rows.assign(_order=order).sort_values(["_order", "sample"], kind="stable").drop(columns="_order") \
        .reset_index(drop=True)
