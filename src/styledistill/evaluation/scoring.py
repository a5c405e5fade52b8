"""pass@k with its standard error over problems."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k for one problem with n samples of which c are correct (Chen et al., 2021)."""
    if n < k:
        return float("nan")
    if n - c < k:
        return 1.0
    return 1.0 - math.comb(n - c, k) / math.comb(n, k)


def score(samples: pd.DataFrame, ks: tuple[int, ...] = (1,)) -> dict[str, float | int]:
    """Mean pass@k over problems (in %), with the standard error of that mean."""
    per_problem = samples.groupby("problem_id")["correct"].agg(["size", "sum"])
    out: dict[str, float | int] = {
        "n_problems": int(len(per_problem)),
        "n_samples": int(per_problem["size"].max()) if len(per_problem) else 0,
        "truncated_share": float(samples["truncated"].mean()) if len(samples) else 0.0,
    }
    for k in ks:
        values = np.array([pass_at_k(int(n), int(c), k) for n, c in per_problem.itertuples(index=False)])
        values = values[~np.isnan(values)]
        mean = float(values.mean()) * 100 if len(values) else float("nan")
        stderr = float(values.std(ddof=1) / math.sqrt(len(values))) * 100 if len(values) > 1 else 0.0
        out[f"pass@{k}"] = mean
        out[f"pass@{k}_stderr"] = stderr
    return out
