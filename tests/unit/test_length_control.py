"""The length control recovers a planted effect and reports none for a feature that only tracks length."""

from __future__ import annotations

import numpy as np
import pandas as pd

from styledistill.features import length_control, stats


def _planted(n: int = 600, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    log_length = rng.normal(7.0, 0.8, n)
    planted = rng.normal(0.0, 1.0, n)  # raises the odds of a correct trace, whatever the length
    tracks_length = 3.0 * log_length + rng.normal(0.0, 0.3, n)  # only a proxy of length
    logit = 1.2 * planted - 1.5 * (log_length - 7.0)  # longer traces are more often wrong
    correct = rng.random(n) < 1 / (1 + np.exp(-logit))
    tokens = np.round(np.expm1(log_length)).astype(int)
    return pd.DataFrame({"correct": correct, "reasoning_tokens": tokens, "planted": planted,
                         "tracks_length": tracks_length, "has_min_types": planted > 0})


def test_a_planted_effect_survives_and_a_length_proxy_does_not():
    features = _planted()
    table = stats.compare(features, ("reasoning_tokens", "planted", "tracks_length"), 200, 0)
    table = length_control.control(features, table).set_index("feature")
    assert table.loc["tracks_length", "q"] < 0.05  # the raw test sees it...
    assert not table.loc["tracks_length", "survives_length_control"]  # ...the length control does not
    low, high = table.loc["tracks_length", ["or_ci_low", "or_ci_high"]]
    assert low < 1 < high
    assert table.loc["planted", "survives_length_control"] and table.loc["planted", "odds_ratio_adj"] > 2
    assert table.loc["reasoning_tokens", "note_adj"] == "the length control itself"


def test_degenerate_features_give_a_note_not_an_error():
    features = _planted(40).assign(constant=1.0)
    features.loc[:, "correct"] = [True] * 38 + [False] * 2
    table = length_control.control(features, stats.compare(features, ("constant", "planted"), 100, 0))
    assert table["note_adj"].str.contains("fewer than 5").all()
    features = _planted(200).assign(constant=1.0)
    row = length_control.adjusted(features, "constant")
    assert np.isnan(row["p_adj"]) and row["note_adj"] == "constant values: nothing to fit"


def test_coverage_by_length_deciles():
    table = length_control.coverage_by_length(_planted())
    assert list(table["decile"]) == list(range(1, 11))
    assert (table["n_correct"] + table["n_incorrect"]).sum() == 600
    assert table["share_correct"].between(0, 1).all()


def _confounded(problems: int = 150, samples: int = 4, within: float = 0.0, seed: int = 1) -> pd.DataFrame:
    """Hard problems get longer-winded traces with more pivots and more wrong answers; within a problem, pivots do
    nothing for correctness unless `within` says so."""
    rng = np.random.default_rng(seed)
    difficulty = np.repeat(rng.normal(0.0, 1.5, problems), samples)
    pivots = 1.0 * difficulty + rng.normal(0.0, 1.0, problems * samples)
    log_length = 7.0 + rng.normal(0.0, 0.3, problems * samples)
    logit = -1.5 * difficulty + within * (pivots - difficulty)
    correct = rng.random(problems * samples) < 1 / (1 + np.exp(-logit))
    return pd.DataFrame({"problem_id": np.repeat([f"p{i}" for i in range(problems)], samples),
                         "correct": correct, "reasoning_tokens": np.round(np.expm1(log_length)).astype(int),
                         "pivot_types": pivots, "has_min_types": pivots > 0})


def test_problem_fixed_effects_see_through_a_difficulty_confound():
    """Between problems, more pivots go with more errors (both follow difficulty): a plain logistic fit calls
    pivots predictive; within problems (fixed effects, used when problems have several samples) they are not. A real
    within-problem effect is still found."""
    confounded = _confounded()
    plain = length_control.adjusted(confounded.drop(columns="problem_id"), "pivot_types")
    assert plain["p_adj"] < 1e-6 and plain["odds_ratio_adj"] < 1 and plain["fit"] == "logit"
    within = length_control.adjusted(confounded, "pivot_types")
    assert within["fit"].startswith("problem fixed effects") and within["p_adj"] > 0.05
    real = length_control.adjusted(_confounded(within=1.0), "pivot_types")
    assert real["p_adj"] < 0.001 and real["odds_ratio_adj"] > 1.5


def test_one_sample_per_problem_keeps_the_plain_fit():
    features = _planted().assign(problem_id=[f"p{i}" for i in range(600)])
    assert length_control.adjusted(features, "planted")["fit"] == "logit"
