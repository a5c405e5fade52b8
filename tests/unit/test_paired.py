"""Paired comparisons by hand: the difference and its SE, the Holm adjustment, TOST decisions, verdicts, and the
comparisons table built from samples (pairing by problem, suites, seeds, one random stream per row)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from styledistill.report.comparisons import comparisons
from styledistill.report.paired import adjust, compare, degrees_of_freedom, seed_variance, verdict
from styledistill.report.settings import Contrast, ReportSettings

RNG = np.random.default_rng(0)


def test_a_paired_difference_by_hand():
    a = np.array([[100.0, 0.0, 100.0, 100.0]])
    b = np.array([[0.0, 0.0, 100.0, 0.0]])
    result = compare(a, b, margin=3.0, resamples=4000, rng=np.random.default_rng(1), alpha=0.05)
    assert result.difference == 50.0
    # paired differences 100, 0, 0, 100: SD 57.7, over 4 problems SE 28.9; the bootstrap SE is the same up to
    # its (n-1)/n bias and resampling noise
    assert result.problem_se == pytest.approx(57.735 / 2, rel=1e-3)
    assert result.se == pytest.approx(28.87 * np.sqrt(3 / 4), rel=0.05)
    # one seed each: the problem part alone, 3 degrees of freedom (t quantile 3.182, 80% power 0.978)
    assert degrees_of_freedom(a, b) == pytest.approx(3)
    assert result.ci_low == pytest.approx(50 - 3.182446 * result.se, abs=1e-4)
    assert result.problems == 4 and result.seeds_a == result.seeds_b == 1 and np.isnan(result.seed_sd)
    assert result.mde == pytest.approx((3.182446 + 0.978472) * result.se, rel=1e-4)


def test_the_holm_adjustment_by_hand():
    # sorted 0.01, 0.03, 0.04 times 3, 2, 1 = 0.03, 0.06, 0.04 -> made monotone: 0.03, 0.06, 0.06
    assert adjust([0.01, 0.04, 0.03], "holm") == pytest.approx([0.03, 0.06, 0.06])
    # Benjamini-Hochberg: 0.04*3/3, 0.03*3/2, 0.01*3/1 -> 0.04, 0.045 -> monotone from the top: 0.03, 0.04, 0.04
    assert adjust([0.01, 0.04, 0.03], "fdr_bh") == pytest.approx([0.03, 0.04, 0.04])
    assert np.isnan(adjust([0.2, float("nan")], "holm")[1])


def test_tost_decisions_on_a_constructed_table():
    """Per problem the difference is +1 or -1 point around a mean of +1 (SE 0.045 over 2,000 problems): within ±3,
    equivalent; within ±0.5 not; and with no variation at all the difference is exact."""
    b = np.zeros((1, 2000))
    a = np.where(np.arange(2000) % 2 == 0, 2.0, 0.0)[None, :]
    assert compare(a, b, 3.0, 2000, RNG, 0.05).p_equivalent < 1e-6
    assert compare(a, b, 0.5, 2000, RNG, 0.05).p_equivalent > 0.5
    # every problem scored alike on both sides (a tiny benchmark nobody solves): no test, whatever the difference
    flat = compare(np.zeros((2, 4)), np.zeros((1, 4)), 3.0, 100, RNG, 0.05)
    assert flat.se == 0 and np.isnan(flat.p_equivalent) and np.isnan(flat.p_two_sided)
    assert verdict(flat.difference, flat.p_two_sided, flat.p_equivalent, "3", 0.05) == "inconclusive (no variation)"


def test_verdicts():
    assert verdict(4.0, 0.01, 0.5, "3", 0.05) == "better"
    assert verdict(-4.0, 0.01, 0.5, "3", 0.05) == "worse"
    assert verdict(1.0, 0.01, 0.01, "3", 0.05) == "better (yet within ±3)"
    assert verdict(0.2, 0.6, 0.01, "3", 0.05) == "equivalent within ±3"
    assert verdict(0.2, 0.6, 0.2, "3", 0.05) == "inconclusive"


def test_the_seed_variance_is_net_of_the_sampling_noise():
    rng = np.random.default_rng(3)
    p = rng.uniform(0.1, 0.8, 400)
    noise_only = np.vstack([rng.binomial(4, p) / 4 * 100 for _ in range(5)])
    shifted = np.vstack([rng.binomial(4, np.clip(p + shift, 0, 1)) / 4 * 100 for shift in (-0.04, 0, 0.04, 0.02,
                                                                                             -0.02)])
    assert seed_variance(noise_only) < 0.3  # the seeds' means vary by ~1 point of noise alone
    assert seed_variance(shifted) == pytest.approx(np.var([-4, 0, 4, 2, -2], ddof=1), rel=0.35)


def _evaluation(variant: str, correct: list[list[bool]], benchmark: str = "b", seed: int = 0,
                teacher: str = "t") -> dict:
    rows = [{"problem_id": f"q{i}", "sample": s, "correct": c} for i, samples in enumerate(correct)
            for s, c in enumerate(samples)]
    return {"family": "f", "teacher": "" if variant == "base" else teacher, "dataset": "" if variant == "base" else "d",
            "variant": variant, "benchmark": benchmark, "seed": seed, "samples": pd.DataFrame(rows)}


def test_the_table_pairs_problems_pools_suites_and_keeps_each_rows_numbers():
    base = [[False, False]] * 6
    st = [[True, True]] * 3 + [[True, False]] * 3
    evaluations = [_evaluation("base", base, b) for b in ("b", "c")]
    evaluations += [_evaluation("ST", st, b) for b in ("b", "c")]
    evaluations += [_evaluation("ST", st[:5], "b", seed=1), _evaluation("ST", st[:5], "c", seed=1)]
    settings = ReportSettings(contrasts=[Contrast(a="ST", b="base", claim="better")], suites={"bc": ["b", "c"]})
    table = comparisons(evaluations, settings, "correct").set_index("benchmark")
    # problems both seeds answered: q0..q4 (75 points over them: 100, 100, 100, 50, 50)
    assert table.loc["b", "problems"] == 5 and table.loc["b", "difference"] == pytest.approx(80.0)
    assert table.loc["b", "seeds_a"] == 2 and table.loc["b", "seeds_b"] == 1 and table.loc["b", "seed_sd"] == 0
    assert table.loc["bc", "problems"] == 10 and table.loc["bc", "pooled"] == "b + c"
    assert table.loc["bc", "ci_high"] - table.loc["bc", "ci_low"] < table.loc["b", "ci_high"] - table.loc["b", "ci_low"]
    # another contrast in the settings leaves this row's numbers as they were
    more = ReportSettings(contrasts=[Contrast(a="base", b="ST", claim="worse"), *settings.contrasts],
                          suites=settings.suites)
    again = comparisons(evaluations, more, "correct")
    again = again[again["contrast"] == "ST − base"].set_index("benchmark")
    assert again.loc["b", "ci_low"] == table.loc["b", "ci_low"]
