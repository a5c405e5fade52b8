"""Cliff's delta between two samples, and its percentile bootstrap confidence interval (vectorised, seeded).

Cliff's delta of x over y is P(X > Y) - P(X < Y) over all pairs: +1 when every x exceeds every y, -1 when every y
exceeds every x, 0 for identical samples. Ties count as neither.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# Elements of the arrays one bootstrap chunk allocates at most (keeps memory flat for large tables).
_CHUNK_CELLS = 4_000_000


def cliffs_delta(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray) -> float:
    """Cliff's delta of x over y; NaN when either sample is empty."""
    x, y = np.asarray(x, dtype=float), np.sort(np.asarray(y, dtype=float))
    if not len(x) or not len(y):
        return float("nan")
    below = np.searchsorted(y, x, side="left")  # y values below each x
    above = len(y) - np.searchsorted(y, x, side="right")  # y values above each x
    return float((below.sum() - above.sum()) / (len(x) * len(y)))


def bootstrap_ci(
    x: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    resamples: int,
    seed: int,
    level: float = 0.95,
) -> tuple[float, float]:
    """Percentile bootstrap interval of Cliff's delta, resampling each group with replacement on its own.

    Values are replaced by their rank codes in the pooled sample; for every resample, a histogram of the y codes
    gives, per code, how many y lie below and above it, and the x codes pick their counts from it. No Python loop
    runs per resample."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    n1, n2 = len(x), len(y)
    if not n1 or not n2 or resamples < 1:
        return float("nan"), float("nan")
    codes = np.unique(np.concatenate([x, y]), return_inverse=True)[1]
    x_codes, y_codes = codes[:n1], codes[n1:]
    k = int(codes.max()) + 1
    rng = np.random.default_rng(seed)
    chunk = max(1, _CHUNK_CELLS // (k + n1 + n2))
    deltas = np.empty(resamples)
    for first in range(0, resamples, chunk):
        b = min(chunk, resamples - first)
        xs = x_codes[rng.integers(0, n1, size=(b, n1))]
        ys = y_codes[rng.integers(0, n2, size=(b, n2))]
        hist = np.bincount((ys + k * np.arange(b)[:, None]).ravel(), minlength=b * k).reshape(b, k)
        upto = np.cumsum(hist, axis=1)
        # per code: y below it minus y above it
        diff = (upto - hist) - (n2 - upto)
        deltas[first : first + b] = np.take_along_axis(diff, xs, axis=1).sum(axis=1) / (n1 * n2)
    tail = (1 - level) / 2
    low, high = np.quantile(deltas, [tail, 1 - tail])
    return float(low), float(high)
