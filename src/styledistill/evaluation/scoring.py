"""pass@k and majority vote, each with its standard error over problems; output length and truncation."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k for one problem with n samples of which c are correct (Chen et al., 2021)."""
    if n < k:
        return float("nan")
    if n - c < k:
        return 1.0
    return 1.0 - math.comb(n - c, k) / math.comb(n, k)


def vote_key(extracted: str) -> str:
    """What a sample votes for: its number's exact value when it is one ("025", "25.0" and "$25$" vote
    together), else its extraction without math delimiters."""
    from styledistill.grading.numbers import exact_value, strip_math

    value = exact_value(extracted)
    return str(value) if value is not None else strip_math(extracted)


def majority_correct(problem: pd.DataFrame) -> bool:
    """Is the most frequent answer among one problem's samples correct? Ties go to the answer seen first; samples
    without an extraction do not vote (none at all: wrong)."""
    voted = problem[problem["extracted"].fillna("").astype(str).str.strip() != ""].sort_values("sample")
    if voted.empty:
        return False
    keys = voted["extracted"].astype(str).map(vote_key)
    counts = keys.value_counts(sort=False)  # in order of first appearance
    winner = counts.index[int(np.argmax(counts.to_numpy()))]
    return bool(voted.loc[keys == winner, "correct"].iloc[0])


def mean_stderr(values: np.ndarray) -> tuple[float, float]:
    """Mean and standard error of per-problem values, in %."""
    values = values[~np.isnan(values)]
    mean = float(values.mean()) * 100 if len(values) else float("nan")
    stderr = float(values.std(ddof=1) / math.sqrt(len(values))) * 100 if len(values) > 1 else 0.0
    return mean, stderr


def score(samples: pd.DataFrame, ks: tuple[int, ...] = (1,)) -> dict[str, float | int]:
    """Mean pass@k over problems (in %) for each k, majority vote over all n samples (maj@n, in %), each with the
    standard error of the mean over problems; mean output tokens and the share of truncated outputs."""
    per_problem = samples.groupby("problem_id")["correct"].agg(["size", "sum"])
    out: dict[str, float | int] = {
        "n_problems": int(len(per_problem)),
        "n_samples": int(per_problem["size"].max()) if len(per_problem) else 0,
        "truncated_share": float(samples["truncated"].mean()) if len(samples) else 0.0,
        "mean_tokens": float(samples["n_completion_tokens"].mean()) if len(samples) else float("nan"),
    }
    for k in ks:
        values = np.array([pass_at_k(int(n), int(c), k) for n, c in per_problem.itertuples(index=False)])
        out[f"pass@{k}"], out[f"pass@{k}_stderr"] = mean_stderr(values)
    votes = np.array([majority_correct(group) for _, group in samples.groupby("problem_id")], dtype=float)
    out["maj@n"], out["maj@n_stderr"] = mean_stderr(votes)
    return out


def forcing_summary(samples: pd.DataFrame, forcing: Any) -> dict[str, dict[str, float | int]]:
    """What budget forcing did (nothing without it): mean thinking tokens, mean waits appended, the share of samples
    whose thinking the cap ended, and the forcing's settings."""
    if forcing is None:
        return {}
    thinking = samples["thinking_tokens"].astype("float64")
    empty = samples.empty
    return {"budget_forcing": {**forcing.to_spec(),
                               "mean_thinking_tokens": float("nan") if empty else float(thinking.mean()),
                               "mean_waits": float("nan") if empty else float(samples["waits"].mean()),
                               "forced_share": float("nan") if empty else float(samples["forced"].mean())}}
