"""Paired comparison of two trained variants on the same problems, over training seeds.

Each variant is a matrix of per-problem accuracy (rows: its training seeds; columns: the problems both variants
answered, in one order; a cell: the share of that seed's samples graded correct, so samples stay within their problem).
The difference A − B is the mean over seeds and problems of A minus that of B.

Its uncertainty comes from a paired hierarchical bootstrap: each replicate resamples the problems (the same draw for A
and B: the pairing), then each variant's seeds (independent training runs). Problems and seeds are crossed, not
nested, so resampling both as they are counts the sampling noise twice (a seed's mean carries the noise of its
samples, which the problem level already resamples): with no seed effect at all that alone widened the 95% interval by
half and covered 99%. So the seeds' effects are drawn net of that noise (a method-of-moments variance component,
`seed_variance`). The interval is d ± t·SE*, SE* the standard deviation of the replicates and t the quantile at the
Welch-Satterthwaite degrees of freedom of the problem and seed parts (few seeds: few degrees of freedom), and every
test is a t-test on SE*: unlike percentile p-values, these do not floor at 1/(R+1), which a Holm correction over a
paper-sized table (~100 comparisons) needs. With one seed per variant nothing is known of the seed-to-seed spread: the
interval then covers the problems and the samples only (the seed SD column says "–").

Equivalence is TOST at margin δ: both one-sided tests (d > −δ and d < δ) must reject; its p is the larger of theirs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import t as t_dist

POWER = 0.8  # of the minimum detectable effect


@dataclass(frozen=True)
class Paired:
    """A − B: the difference, its bootstrap SE and interval, the tests, and the variance parts (all in the units of
    the matrices)."""

    difference: float
    se: float
    ci_low: float
    ci_high: float
    p_greater: float  # H0: A ≤ B
    p_less: float  # H0: A ≥ B
    p_two_sided: float
    p_equivalent: float  # TOST at the margin
    problem_se: float  # SE over problems of the seed-averaged paired difference
    seed_sd: float  # SD over training seeds of a variant's score (pooled over A and B; NaN with one seed each)
    mde: float  # the smallest true difference found at POWER by a two-sided test at alpha, given SE*
    problems: int
    seeds_a: int
    seeds_b: int


def replicates(a: np.ndarray, b: np.ndarray, resamples: int, rng: np.random.Generator,
               seeds: bool = True) -> np.ndarray:
    """Bootstrap replicates of mean(A) − mean(B), centred on 0: problems resampled (paired), then each variant's
    seed effects."""
    problems = a.shape[1]
    paired = a.mean(axis=0) - b.mean(axis=0)
    draws = (paired - paired.mean())[rng.integers(0, problems, (resamples, problems))].mean(axis=1)
    if seeds:
        draws += _seed_draws(a, resamples, rng) - _seed_draws(b, resamples, rng)
    return draws


def seed_variance(matrix: np.ndarray) -> float:
    """The variance of a variant's score from seed to seed net of sampling noise (method of moments on the
    seeds × problems table): the seeds' means vary by σ²_seed + σ²_noise/P, and σ²_noise is the residual variance
    of the two-way table."""
    count, problems = matrix.shape
    if count < 2 or problems < 2:
        return 0.0
    residual = matrix - matrix.mean(axis=0) - matrix.mean(axis=1, keepdims=True) + matrix.mean()
    noise = float((residual ** 2).sum() / ((count - 1) * (problems - 1)))
    return max(0.0, float(matrix.mean(axis=1).var(ddof=1)) - noise / problems)


def _seed_draws(matrix: np.ndarray, resamples: int, rng: np.random.Generator) -> np.ndarray:
    """The mean of S seed effects drawn with replacement. The effects are the seeds' deviations from their mean,
    shrunk to the noise-free seed variance (the problem level already counts the noise they carry) and scaled by
    sqrt(S/(S−1)) so that the drawn mean has the variance σ²_seed/S of the real one."""
    count = matrix.shape[0]
    if count == 1:
        return np.zeros(resamples)
    effects = matrix.mean(axis=1) - matrix.mean()
    spread = effects.var(ddof=1)
    if spread == 0:
        return np.zeros(resamples)
    effects = effects * np.sqrt(seed_variance(matrix) / spread * count / (count - 1))
    return effects[rng.integers(0, count, (resamples, count))].mean(axis=1)


def _seed_sd(a: np.ndarray, b: np.ndarray) -> float:
    variances = [m.mean(axis=1).var(ddof=1) for m in (a, b) if m.shape[0] > 1]
    return float(np.sqrt(np.mean(variances))) if variances else float("nan")


def degrees_of_freedom(a: np.ndarray, b: np.ndarray, seeds: bool = True) -> float:
    """Welch-Satterthwaite degrees of freedom of the difference's variance: the problem part (P − 1) and each
    variant's seed part (S − 1). With few seeds and a real seed effect they are few, and a t quantile instead of z
    keeps the interval's coverage (simulated: 3 seeds, seed SD 3 points, 88% with z, 94% with t)."""
    problems = a.shape[1]
    paired = a.mean(axis=0) - b.mean(axis=0)
    parts = [(float(paired.var(ddof=1)) / problems, problems - 1)]
    if seeds:
        parts += [(seed_variance(m) / m.shape[0], m.shape[0] - 1) for m in (a, b) if m.shape[0] > 1]
    total = sum(value for value, _ in parts)
    spread = sum(value ** 2 / df for value, df in parts if df > 0)
    return float(total ** 2 / spread) if spread > 0 else float("inf")


def compare(a: np.ndarray, b: np.ndarray, margin: float, resamples: int, rng: np.random.Generator, alpha: float,
            seeds: bool = True) -> Paired:
    """A − B on the same problems (columns); `margin` in the matrices' units."""
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1] or a.shape[1] == 0:
        raise ValueError(f"compare: matrices of (seeds, problems) over the same problems, got {a.shape} and {b.shape}")
    difference = float(a.mean() - b.mean())
    se = float(replicates(a, b, resamples, rng, seeds).std(ddof=1))
    paired = a.mean(axis=0) - b.mean(axis=0)
    problem_se = float(paired.std(ddof=1) / np.sqrt(len(paired))) if len(paired) > 1 else float("nan")
    nan = float("nan")
    if se > 0:
        dist = t_dist(degrees_of_freedom(a, b, seeds))
        p_greater, p_less = float(dist.sf(difference / se)), float(dist.cdf(difference / se))
        p_equivalent = max(float(dist.sf((difference + margin) / se)), float(dist.cdf((difference - margin) / se)))
        p_two_sided = min(1.0, 2 * min(p_greater, p_less))
        quantile, mde = float(dist.ppf(1 - alpha / 2)), float((dist.ppf(1 - alpha / 2) + dist.ppf(POWER)) * se)
    else:  # every problem gave both sides the same score: the data hold no measure of their own uncertainty
        p_greater = p_less = p_equivalent = p_two_sided = nan
        quantile, mde = 0.0, 0.0
    return Paired(difference, se, difference - quantile * se, difference + quantile * se, p_greater, p_less,
                  p_two_sided, p_equivalent, problem_se, _seed_sd(a, b), mde, a.shape[1], a.shape[0], b.shape[0])


def adjust(p_values: list[float], method: str) -> list[float]:
    """p-values adjusted across a table (statsmodels multipletests: holm, fdr_bh, ...); NaN stays NaN."""
    from statsmodels.stats.multitest import multipletests

    values = np.asarray(p_values, dtype=float)
    known = ~np.isnan(values)
    adjusted = np.full(len(values), np.nan)
    if known.any():
        adjusted[known] = multipletests(values[known], method=method)[1]
    return adjusted.tolist()


def verdict(difference: float, p_two_sided_adjusted: float, p_equivalent_adjusted: float, margin: str,
            alpha: float) -> str:
    """better / worse (a difference found), equivalent within ±δ (TOST), or inconclusive; all after adjustment."""
    if np.isnan(p_two_sided_adjusted) and np.isnan(p_equivalent_adjusted):
        return "inconclusive (no variation)"
    if p_two_sided_adjusted < alpha:
        found = "better" if difference > 0 else "worse"
        return f"{found} (yet within ±{margin})" if p_equivalent_adjusted < alpha else found
    if p_equivalent_adjusted < alpha:
        return f"equivalent within ±{margin}"
    return "inconclusive"
