"""How much of what a simulated teacher planted a measurement recovers: pivots (precision and recall per type, a
found pivot counts when it starts where a planted one of the same type starts), stages (the share of the reasoning's
characters given their planted stage) and backtracking episodes."""

from __future__ import annotations

import json
from collections.abc import Iterable

import numpy as np
import pandas as pd

from styledistill.style.lexicon import PIVOT_TYPES


def _spans(values: Iterable[str | None]) -> list[list]:
    return [json.loads(v) if isinstance(v, str) and v else [] for v in values]


def pivot_recovery(planted: Iterable[str | None], found: Iterable[str | None]) -> pd.DataFrame:
    """Per pivot type: planted, found, matched, precision, recall (over all traces; traces paired in order)."""
    counts = {kind: {"planted": 0, "found": 0, "matched": 0} for kind in PIVOT_TYPES}
    for mine, theirs in zip(_spans(planted), _spans(found), strict=True):
        wanted = {(start, kind) for start, _, kind, _ in mine}
        got = {(start, kind) for start, _, kind, _ in theirs}
        for start, kind in wanted:
            counts[kind]["planted"] += 1
            counts[kind]["matched"] += (start, kind) in got
        for _, kind in got:
            counts[kind]["found"] += 1
    table = pd.DataFrame.from_dict(counts, orient="index")
    table["precision"] = table["matched"] / table["found"].where(table["found"] > 0)
    table["recall"] = table["matched"] / table["planted"].where(table["planted"] > 0)
    return table.rename_axis("type")


def _labels(spans: list[list], length: int) -> np.ndarray:
    labels = np.full(length, "", dtype=object)
    for start, end, stage in spans:
        labels[start:end] = stage
    return labels


def stage_agreement(planted: Iterable[str | None], found: Iterable[str | None], lengths: Iterable[int]) -> float:
    """The share of the planted stages' characters (over all traces) that the measurement gives the same stage."""
    same = total = 0
    for mine, theirs, length in zip(_spans(planted), _spans(found), lengths, strict=True):
        want, got = _labels(mine, length), _labels(theirs, length)
        covered = want != ""
        same += int(np.sum(want[covered] == got[covered]))
        total += int(np.sum(covered))
    return same / total if total else float("nan")
