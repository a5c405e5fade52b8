from __future__ import annotations

import math

import pandas as pd
import pytest

from styledistill.evaluation.scoring import majority_correct, pass_at_k, score
from styledistill.report.settings import ReportSettings
from styledistill.st.select import select_st
from styledistill.st.settings import BuildStSettings


def test_pass_at_k_matches_the_closed_form():
    assert pass_at_k(4, 0, 1) == 0.0 and pass_at_k(4, 4, 1) == 1.0
    assert pass_at_k(4, 1, 1) == pytest.approx(0.25)
    assert pass_at_k(4, 1, 2) == pytest.approx(1 - math.comb(3, 2) / math.comb(4, 2))
    assert math.isnan(pass_at_k(1, 1, 2))


def _samples(problems: dict[str, list[tuple[str, bool]]], truncated=()) -> pd.DataFrame:
    """(extracted, correct) per sample of each problem."""
    rows = [{"problem_id": pid, "sample": i, "extracted": extracted, "correct": correct,
             "truncated": (pid, i) in truncated, "n_completion_tokens": 10 * (i + 1)}
            for pid, answers in problems.items() for i, (extracted, correct) in enumerate(answers)]
    return pd.DataFrame(rows)


def test_score_is_mean_over_problems_with_stderr():
    samples = _samples({"a": [("1", True), ("1", True)], "b": [("2", False), ("1", True)]}, truncated={("b", 0)})
    result = score(samples, ks=(1,))
    assert result["pass@1"] == pytest.approx(75.0)
    assert result["pass@1_stderr"] == pytest.approx(pd.Series([1.0, 0.5]).std() / math.sqrt(2) * 100)
    assert result["n_problems"] == 2 and result["n_samples"] == 2
    assert result["truncated_share"] == pytest.approx(0.25)
    assert result["mean_tokens"] == pytest.approx(15.0)


def test_pass_at_k_against_hand_computed_values():
    # n=5, c=2: pass@1 = 2/5; pass@2 = 1 - C(3,2)/C(5,2) = 1 - 3/10; pass@3 = 1 - C(3,3)/C(5,3) = 1 - 1/10
    assert pass_at_k(5, 2, 1) == pytest.approx(0.4)
    assert pass_at_k(5, 2, 2) == pytest.approx(0.7)
    assert pass_at_k(5, 2, 3) == pytest.approx(0.9)
    assert pass_at_k(5, 2, 4) == 1.0  # fewer than 4 wrong samples: any 4 contain a right one
    assert pass_at_k(5, 0, 5) == 0.0
    samples = _samples({"a": [("1", True), ("2", False), ("3", False), ("1", True), ("4", False)],
                        "b": [("9", False)] * 5})
    result = score(samples, ks=(1, 2, 3))
    assert result["pass@2"] == pytest.approx(35.0)  # (0.7 + 0) / 2
    assert result["pass@3"] == pytest.approx(45.0)
    assert result["pass@3_stderr"] == pytest.approx(pd.Series([0.9, 0.0]).std() / math.sqrt(2) * 100)


def test_majority_vote_by_hand():
    samples = _samples({
        "a": [("7", False), ("5", True), ("5", True)],  # 5 wins 2:1 -> right
        "b": [("3", False), ("4", True), ("3", False)],  # 3 wins 2:1 -> wrong, though pass@3 is 1
        "c": [("8", True), ("9", False), ("", False)],  # 1:1 tie (no extraction does not vote): first seen wins
        "d": [("", False), ("", False), ("", False)],  # nobody voted: wrong
        "e": [("1/2", False), ("025", True), ("$25$", True)],  # the same number written three ways: 2 votes
    })
    assert [majority_correct(g) for _, g in samples.groupby("problem_id")] == [True, False, True, False, True]
    result = score(samples, ks=(1, 3))
    assert result["maj@n"] == pytest.approx(60.0)
    assert result["maj@n_stderr"] == pytest.approx(pd.Series([1.0, 0, 1, 0, 1]).std() / math.sqrt(5) * 100)
    assert result["pass@3"] == pytest.approx(80.0)


def _graded(rows):
    cols = ["problem_id", "sample", "correct", "truncated", "reasoning", "question", "gold", "answer_text"]
    return pd.DataFrame([dict(zip(cols, r + ("q", "1", "a"))) for r in rows])


def test_st_keeps_one_correct_complete_trace_per_problem():
    graded = _graded([
        ("p1", 0, False, False, "x"), ("p1", 1, True, False, "long reasoning"), ("p1", 2, True, False, "short"),
        ("p2", 0, True, True, "truncated"), ("p3", 0, True, False, "  "), ("p4", 0, True, False, "ok"),
    ])
    first = select_st(graded, BuildStSettings(pick="first"))
    assert list(first["problem_id"]) == ["p1", "p4"] and first.iloc[0]["sample"] == 1
    assert select_st(graded, BuildStSettings(pick="shortest")).iloc[0]["sample"] == 2
    assert len(select_st(graded, BuildStSettings(max_size=1))) == 1


def test_every_pick_the_settings_admit_is_implemented():
    import typing

    from styledistill.st.select import PICKS

    assert set(typing.get_args(BuildStSettings.model_fields["pick"].annotation)) == set(PICKS)


def test_paper_layout_explains_every_cell():
    from styledistill.report.tables import paper_layout

    scores = pd.DataFrame([
        {"family": "f", "teacher": "", "dataset": "", "variant": "base", "benchmark": "b", "pass@1": 10.0,
         "pass@1_stderr": 1.0, "failed": 0},
        {"family": "f", "teacher": "t", "dataset": "d", "variant": "ST", "benchmark": "b", "pass@1": 30.0,
         "pass@1_stderr": 2.0, "failed": 3},
        {"family": "f", "teacher": "t", "dataset": "d", "variant": "ST-PS", "benchmark": "b", "pass@1": float("nan"),
         "pass@1_stderr": float("nan"), "failed": 8},
    ])
    row = paper_layout(scores, ["ST", "ST-PS"], ReportSettings().decimals).iloc[0].to_dict()
    assert row == {"family": "f", "benchmark": "b", "base": "10.0 ± 1.0", "ST": "30.0 ± 2.0 (3 failed)",
                   "ST-HC": "n/s", "ST-HC-W": "n/s", "ST-NT": "n/s", "SBS": "n/s",
                   "ST-PS": "failed (8 failed, none answered)"}
    assert paper_layout(scores, ["ST"], decimals=2).iloc[0]["ST"] == "30.00 ± 2.00 (3 failed)"
