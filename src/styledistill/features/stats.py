"""Successful vs unsuccessful traces, feature by feature (scipy.stats; no hand-written tests).

Groups: traces graded correct against traces graded incorrect (truncated ones included); traces without a grade
are left out. Per numeric feature (nulls dropped per feature): the medians of both groups, the two-sided
Mann-Whitney U test, and Cliff's delta (correct over incorrect: > 0 means larger in correct traces) with a
percentile bootstrap 95% interval. On "at least min_types of the 4 pivot types" (has_min_types): the shares of both
groups, Fisher's exact test on the 2x2 table (exact at every sample size, so no switch to chi-squared is needed),
and Cliff's delta of the 0/1 values (the difference of the shares). Benjamini-Hochberg q values across all the
features' p values (scipy.stats.false_discovery_control).

Degenerate cases never raise: a group without values gives NaN statistics with a note, and a feature whose values
are all equal gives delta 0 and p NaN (nothing to test) with a note.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from styledistill.features.effect import bootstrap_ci, cliffs_delta

COLUMNS: tuple[str, ...] = (
    "feature", "summary", "test", "n_correct", "n_incorrect", "median_correct", "median_incorrect",
    "cliffs_delta", "delta_ci_low", "delta_ci_high", "statistic", "p", "q", "note",
)
BINARY_FEATURE = "has_min_types"
NAN = float("nan")


def groups(features: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(correct traces, incorrect traces); traces without a grade are in neither."""
    correct = features["correct"]
    return features[correct.eq(True).fillna(False).astype(bool)], features[correct.eq(False).fillna(False).astype(bool)]


def _values(frame: pd.DataFrame, column: str) -> np.ndarray:
    values = pd.to_numeric(frame[column].astype("float64"), errors="coerce").to_numpy(dtype=float)
    return values[~np.isnan(values)]


def _degenerate(x: np.ndarray, y: np.ndarray) -> str | None:
    if not len(x) or not len(y):
        missing = [name for name, v in (("correct", x), ("incorrect", y)) if not len(v)]
        return f"no values for {' and '.join(missing)} traces"
    if np.all(x == x[0]) and np.all(y == x[0]):
        return "all values equal: nothing to test"
    return None


def _row(feature: str, summary: str, test: str, x: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    center = np.mean if summary == "share" else np.median
    return {
        "feature": feature, "summary": summary, "test": test, "n_correct": len(x), "n_incorrect": len(y),
        "median_correct": float(center(x)) if len(x) else NAN, "median_incorrect": float(center(y)) if len(y) else NAN,
        "cliffs_delta": NAN, "delta_ci_low": NAN, "delta_ci_high": NAN, "statistic": NAN, "p": NAN, "q": NAN,
        "note": "",
    }


def _effect(row: dict[str, Any], x: np.ndarray, y: np.ndarray, resamples: int, seed: int) -> None:
    row["cliffs_delta"] = cliffs_delta(x, y)
    row["delta_ci_low"], row["delta_ci_high"] = bootstrap_ci(x, y, resamples, seed)


def numeric(feature: str, x: np.ndarray, y: np.ndarray, resamples: int, seed: int) -> dict[str, Any]:
    """Medians, Mann-Whitney U and Cliff's delta of one numeric feature (x: correct, y: incorrect)."""
    from scipy.stats import mannwhitneyu

    row = _row(feature, "median", "mannwhitneyu", x, y)
    row["note"] = _degenerate(x, y) or ""
    if not len(x) or not len(y):
        return row
    _effect(row, x, y, resamples, seed)
    if not row["note"]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            result = mannwhitneyu(x, y, alternative="two-sided")
        row["statistic"], row["p"] = float(result.statistic), float(result.pvalue)
    return row


def binary(feature: str, x: np.ndarray, y: np.ndarray, resamples: int, seed: int) -> dict[str, Any]:
    """Shares, Fisher's exact test and Cliff's delta of one 0/1 feature (x: correct, y: incorrect)."""
    from scipy.stats import fisher_exact

    row = _row(feature, "share", "fisher_exact", x, y)
    row["note"] = _degenerate(x, y) or ""
    if not len(x) or not len(y):
        return row
    _effect(row, x, y, resamples, seed)
    if not row["note"]:
        table = [[int(x.sum()), int(len(x) - x.sum())], [int(y.sum()), int(len(y) - y.sum())]]
        result = fisher_exact(table)
        row["statistic"], row["p"] = float(result.statistic), float(result.pvalue)
    return row


def compare(
    features: pd.DataFrame, numeric_features: tuple[str, ...], resamples: int, seed: int
) -> pd.DataFrame:
    """One row per feature (the numeric ones, then has_min_types), with BH q values across all p values."""
    from scipy.stats import false_discovery_control

    correct, incorrect = groups(features)
    rows = [numeric(name, _values(correct, name), _values(incorrect, name), resamples, seed)
            for name in numeric_features]
    rows.append(binary(BINARY_FEATURE, _values(correct, BINARY_FEATURE), _values(incorrect, BINARY_FEATURE),
                       resamples, seed))
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    tested = table["p"].notna()
    if tested.any():
        table.loc[tested, "q"] = false_discovery_control(table.loc[tested, "p"].to_numpy(), method="bh")
    return table
