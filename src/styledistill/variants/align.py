"""Alignment: every variant of a run covers the same problems (those all of them built), the same number of them."""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from styledistill.variants.rows import OK
from styledistill.variants.settings import AlignSettings


def _rank(seed: int, problem_id: str) -> str:
    return hashlib.sha256(f"{seed}:{problem_id}".encode()).hexdigest()


def aligned_problems(raw: dict[str, pd.DataFrame], settings: AlignSettings) -> dict[str, Any]:
    """The aligned problem ids and, per variant, its statuses, the problems it lost (built elsewhere, not here) and
    its coverage of the aligned set.

    The aligned set is what the `align_on` variants (all of them by default) built. The size cap keeps the problems
    first in a seeded hash order: dropping a problem that was not kept leaves the kept ones as they were (so one
    variant losing a spare problem reruns nothing downstream)."""
    ok = {v: set(df.loc[df["status"] == OK, "problem_id"]) for v, df in raw.items()}
    defining = [v for v in (settings.align_on or list(raw)) if v in ok]
    common = set.intersection(*(ok[v] for v in defining)) if defining else set()
    ids = sorted(common, key=lambda pid: _rank(settings.seed, pid))
    if settings.size is not None:
        ids = ids[: settings.size]
    every = set().union(*(set(df["problem_id"]) for df in raw.values())) if raw else set()
    return {
        "problem_ids": sorted(ids),
        "align_on": defining,
        "problems_offered": len(every),
        "problems_built_by_all": len(common),
        "statuses": {v: {str(k): int(n) for k, n in df["status"].value_counts().items()} for v, df in raw.items()},
        "lost": {v: len(every - ok[v]) for v in raw},
        "coverage": {v: (len(ok[v] & set(ids)) / len(ids) if ids else 0.0) for v in raw},
    }


def minimum(summary: dict[str, Any], settings: AlignSettings) -> int:
    """The fewest aligned problems the settings accept: min_size of `size`, or of the problems offered."""
    base = settings.size if settings.size is not None else summary["problems_offered"]
    return max(1, math.ceil(settings.min_size * min(base, summary["problems_offered"])))


SUMMARY = "summary.json"


def problems_name(ids: list[str]) -> str:
    """The file of an aligned problem set, named by its content: a new set is a new name."""
    return f"problems-{hashlib.sha256(json.dumps(ids).encode()).hexdigest()[:16]}.json"


def problems_file(directory: str | Path) -> str:
    """The problem file of an alignment directory (named in its summary)."""
    with open(Path(directory) / SUMMARY) as handle:
        return str(Path(directory) / json.load(handle)["problems_file"])
