"""Which model served each answer: per teacher × dataset (its traces) and per generated variant (its training
examples), as the API reported it (`served_model`); an answer from a local model or an imported trace records none."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

COLUMN = "served_model"
INTRO = ("The model each API answer says served it (the response's `model`; local models and imported traces record "
         "none). A name other than the one asked for means the provider routed the requests elsewhere; "
         "`expect_model` turns that into a failed job.")


def counts(path: str) -> tuple[dict[str, int], int]:
    """(answers per served model, answers that record none) of one table; only its served_model column is read."""
    if COLUMN not in pq.read_schema(path).names:
        return {}, pq.read_metadata(path).num_rows
    column = pq.read_table(path, columns=[COLUMN]).column(COLUMN).to_pandas()
    return {str(k): int(n) for k, n in column.dropna().value_counts().items()}, int(column.isna().sum())


def _label(path: str, depth: int) -> str:
    return "/".join(Path(path).parent.parts[-depth:])


def lines(traces: list[str], examples: list[str]) -> list[str]:
    """One Markdown bullet per teacher × dataset and per generated variant that recorded a served model."""
    out = []
    for what, paths, depth in (("teacher", traces, 2), ("variant", examples, 3)):
        for path in paths:
            served, unrecorded = counts(path)
            if not served:
                continue
            listed = ", ".join(f"{model} ({n:,})" for model, n in served.items())
            none = f"; {unrecorded:,} record none" if unrecorded else ""
            out.append(f"- {what} {_label(path, depth)}: {listed}{none}")
    return out
