"""Statistics of correct vs incorrect traces: Cliff's delta and its bootstrap, scipy's tests, BH, degenerate groups."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from styledistill.features import stats, tables
from styledistill.features.effect import bootstrap_ci, cliffs_delta


def brute_delta(x, y) -> float:
    return sum(int(a > b) - int(a < b) for a in x for b in y) / (len(x) * len(y))


@pytest.mark.parametrize(
    ("x", "y", "delta"),
    [
        ([5, 6, 7], [1, 2], 1.0),  # all greater
        ([1, 2], [5, 6, 7], -1.0),  # all smaller
        ([3, 3], [3, 3, 3], 0.0),  # identical
        ([1, 2, 3], [2], 0.0),  # one below, one tie, one above
        ([1, 2, 3, 4], [2, 3], (3 - 3) / 8),
        ([2, 2, 5], [1, 2], (4 - 0) / 6),  # ties count as neither
    ],
)
def test_cliffs_delta_small_cases(x, y, delta):
    assert cliffs_delta(x, y) == pytest.approx(delta)
    assert cliffs_delta(x, y) == pytest.approx(brute_delta(x, y))


def test_cliffs_delta_matches_brute_force_and_empty_is_nan():
    rng = np.random.default_rng(1)
    x, y = rng.integers(0, 6, 40), rng.integers(0, 6, 25)  # many ties
    assert cliffs_delta(x, y) == pytest.approx(brute_delta(x, y))
    assert math.isnan(cliffs_delta([], [1.0])) and math.isnan(cliffs_delta([1.0], []))


def test_bootstrap_matches_a_plain_loop_and_is_seeded():
    rng = np.random.default_rng(2)
    x, y = rng.normal(0.5, 1, 30), rng.normal(0, 1, 12).round(1)
    resamples, seed = 300, 7
    draw = np.random.default_rng(seed)
    xi, yi = draw.integers(0, len(x), (resamples, len(x))), draw.integers(0, len(y), (resamples, len(y)))
    loop = [brute_delta(x[a], y[b]) for a, b in zip(xi, yi)]
    assert bootstrap_ci(x, y, resamples, seed) == pytest.approx(tuple(np.quantile(loop, [0.025, 0.975])))
    assert bootstrap_ci(x, y, resamples, seed) == bootstrap_ci(x, y, resamples, seed)
    low, high = bootstrap_ci(x, y, 2000, 0)
    assert low <= cliffs_delta(x, y) <= high
    assert bootstrap_ci([5, 6, 7], [1, 2], 2000, 0) == (1.0, 1.0)
    assert all(math.isnan(v) for v in bootstrap_ci([], [1.0], 2000, 0))


def frame(correct: list[bool | None], **columns) -> pd.DataFrame:
    return pd.DataFrame({"correct": correct, **columns})


def test_numeric_row_uses_scipy_mannwhitneyu():
    x, y = np.array([3.0, 5, 7, 9, 11]), np.array([1.0, 2, 4, 6])
    row = stats.numeric("f", x, y, resamples=200, seed=0)
    expected = sps.mannwhitneyu(x, y, alternative="two-sided")
    assert (row["statistic"], row["p"]) == pytest.approx((expected.statistic, expected.pvalue))
    assert (row["median_correct"], row["median_incorrect"]) == (7.0, 3.0)
    assert row["cliffs_delta"] == pytest.approx(brute_delta(x, y)) and row["note"] == ""


def test_binary_row_uses_fisher_exact_and_delta_is_the_share_difference():
    x, y = np.array([1.0, 1, 1, 0]), np.array([0.0, 0, 1])
    row = stats.binary("has_min_types", x, y, resamples=200, seed=0)
    assert row["p"] == pytest.approx(sps.fisher_exact([[3, 1], [1, 2]]).pvalue)
    assert (row["median_correct"], row["median_incorrect"]) == (0.75, pytest.approx(1 / 3))
    assert row["cliffs_delta"] == pytest.approx(0.75 - 1 / 3)


def test_compare_applies_benjamini_hochberg_across_features():
    rng = np.random.default_rng(3)
    n = 40
    correct = [True] * 25 + [False] * 15
    data = frame(correct, a=rng.normal(0, 1, n) + np.array(correct) * 1.5, b=rng.normal(0, 1, n),
                 c=rng.integers(0, 3, n), has_min_types=rng.random(n) < 0.5)
    table = stats.compare(data, ("a", "b", "c"), resamples=200, seed=0)
    assert list(table.columns) == list(stats.COLUMNS)
    assert table["feature"].tolist() == ["a", "b", "c", "has_min_types"]
    assert table["test"].tolist() == ["mannwhitneyu"] * 3 + ["fisher_exact"]
    assert np.allclose(table["q"], sps.false_discovery_control(table["p"], method="bh"))
    assert table.loc[0, "cliffs_delta"] > 0.4 and table.loc[0, "q"] < 0.05
    assert (table["n_correct"] == 25).all() and (table["n_incorrect"] == 15).all()


def test_ungraded_traces_and_nulls_are_left_out():
    data = frame([True, True, False, None, False], a=[1.0, None, 3.0, 100.0, 4.0], has_min_types=True)
    row = stats.compare(data, ("a",), resamples=100, seed=0).iloc[0]
    assert (row["n_correct"], row["n_incorrect"]) == (1, 2)


@pytest.mark.parametrize(
    ("correct", "values", "note"),
    [
        ([True, True, True], [1.0, 2.0, 3.0], "no values for incorrect traces"),
        ([False, False], [1.0, 2.0], "no values for correct traces"),
        ([True, False, True], [None, None, None], "no values for correct and incorrect traces"),
    ],
)
def test_an_empty_group_gives_nan_and_a_note(correct, values, note):
    table = stats.compare(frame(correct, a=values, has_min_types=True), ("a",), resamples=100, seed=0)
    row = table.iloc[0]
    assert row["note"] == note
    assert all(math.isnan(row[c]) for c in ("cliffs_delta", "delta_ci_low", "delta_ci_high", "p", "q"))
    if len(set(correct)) == 1:
        assert table.iloc[1]["note"] == note  # has_min_types too
    assert "no values for" in tables.markdown(table, "t", 100, 3)


def test_a_constant_feature_is_not_tested():
    table = stats.compare(frame([True, False, True, False], a=[2.0] * 4, b=[1.0, 2.0, 3.0, 1.0],
                                has_min_types=[True] * 4), ("a", "b"), resamples=100, seed=0)
    a, b, has = table.iloc[0], table.iloc[1], table.iloc[2]
    assert a["note"] == "all values equal: nothing to test" and math.isnan(a["p"]) and math.isnan(a["q"])
    assert a["cliffs_delta"] == 0.0
    assert has["note"] == "all values equal: nothing to test" and math.isnan(has["p"])
    assert b["q"] == pytest.approx(b["p"])  # the only tested feature


def test_one_constant_group_is_still_tested():
    row = stats.compare(frame([True, True, False, False], a=[1.0, 1.0, 2.0, 3.0], has_min_types=True), ("a",),
                        resamples=100, seed=0).iloc[0]
    assert row["note"] == "" and row["cliffs_delta"] == -1.0 and not math.isnan(row["p"])


def test_markdown_orders_by_effect_size():
    table = pd.DataFrame([
        {**dict.fromkeys(stats.COLUMNS, float("nan")), "feature": "small", "summary": "median", "cliffs_delta": 0.1,
         "n_correct": 3, "n_incorrect": 2, "note": ""},
        {**dict.fromkeys(stats.COLUMNS, float("nan")), "feature": "big", "summary": "median", "cliffs_delta": -0.8,
         "delta_ci_low": -0.9, "delta_ci_high": -0.5, "p": 0.0001, "q": 0.02, "median_correct": 1.0,
         "median_incorrect": 2.5, "n_correct": 3, "n_incorrect": 2, "note": ""},
        {**dict.fromkeys(stats.COLUMNS, float("nan")), "feature": "has_min_types", "summary": "share",
         "median_correct": 0.5, "n_correct": 3, "n_incorrect": 2, "note": "no values for incorrect traces"},
    ])
    md = tables.markdown(table, "My traces", 2000, 3)
    rows = [line for line in md.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert [r.split(" | ")[0] for r in rows] == ["| big", "| small", "| has_min_types (≥3 of 4 types, share)"]
    assert "| big | 1 | 2.5 | -0.80 [-0.90, -0.50] | <0.001 | 0.020 |" in md
    assert "| 50.0% | – |" in md
    assert md.startswith("# My traces\n") and "n = 3" in md and "2,000-resample" in md
