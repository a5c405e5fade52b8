"""Markdown tables for people to read (no dependency: pandas' to_markdown needs tabulate)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join("" if v is None else str(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def cell(text: Any, limit: int = 60) -> str:
    """`text` fit for one table cell: one line, pipes escaped, cut to `limit` characters."""
    text = str(text).replace("\n", " ").replace("|", "\\|")
    return text if len(text) <= limit else text[:limit - 1] + "…"


def right_or_wrong(correct: bool) -> str:
    return "right" if correct else "wrong"


def frame(df: Any) -> str:
    """A DataFrame as a Markdown table, cells as they are."""
    return table([str(c) for c in df.columns], list(df.itertuples(index=False))) + "\n"
