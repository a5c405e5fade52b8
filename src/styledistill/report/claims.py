"""The paper's claims, each with our verdict per family and benchmark (or suite), the interval and the paper's own
difference beside it: the opening table of the report's landing page."""

from __future__ import annotations

import pandas as pd

from styledistill.report.settings import CLAIMS
from styledistill.report.tables import NOT_REPORTED

SIGN = {"better": ">", "worse": "<", "equivalent": "≈"}
COLUMNS = ["claim", "family", "benchmark", "ours: Δ [95% CI]", "seeds", "verdict", "paper: Δ"]


def _paper_difference(paper: pd.DataFrame, family: str | None, benchmark: str | None, a: str, b: str) -> str:
    rows = paper[(paper["family"] == family) & (paper["benchmark"] == benchmark)].set_index("variant")["pass@1"]
    if a not in rows or b not in rows:
        return NOT_REPORTED
    return f"{rows[a] - rows[b]:+.1f}"


def claims(comparisons: pd.DataFrame, paper: pd.DataFrame, families: dict[str, str],
           benchmarks: dict[str, str | None], decimals: int) -> pd.DataFrame:
    """One row per claim × family × benchmark or suite that the comparisons hold (either orientation of the
    contrast; an equivalence reads the same both ways)."""
    rows = []
    for a, b, claim in CLAIMS:
        forward = comparisons[(comparisons["a"] == a) & (comparisons["b"] == b)]
        backward = comparisons[(comparisons["a"] == b) & (comparisons["b"] == a)] if claim == "equivalent" else None
        found, sign = (forward, 1) if len(forward) or backward is None or backward.empty else (backward, -1)
        for row in found.to_dict("records"):
            d, lo, hi = (sign * row[k] for k in ("difference", "ci_low", "ci_high"))
            lo, hi = min(lo, hi), max(lo, hi)
            rows.append({"claim": f"{a} {SIGN[claim]} {b}", "family": row["family"], "benchmark": row["benchmark"],
                         "ours: Δ [95% CI]": f"{d:+.{decimals}f} [{lo:+.{decimals}f}, {hi:+.{decimals}f}]",
                         "seeds": f"{row['seeds_a']}/{row['seeds_b']}" if sign == 1 else
                         f"{row['seeds_b']}/{row['seeds_a']}",
                         "verdict": _flip(row["verdict"]) if sign == -1 else row["verdict"],
                         "paper: Δ": _paper_difference(paper, families.get(row["family"]),
                                                       benchmarks.get(row["benchmark"]), a, b)})
    return pd.DataFrame(rows, columns=COLUMNS)


def _flip(verdict: str) -> str:
    swapped = {"better": "worse", "worse": "better"}
    head, _, tail = verdict.partition(" ")
    return " ".join(filter(None, [swapped.get(head, head), tail]))
