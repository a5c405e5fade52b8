from __future__ import annotations

import math

import pandas as pd
import pytest

from styledistill.evaluation.scoring import pass_at_k, score
from styledistill.st.select import select_st
from styledistill.st.settings import BuildStSettings


def test_pass_at_k_matches_the_closed_form():
    assert pass_at_k(4, 0, 1) == 0.0 and pass_at_k(4, 4, 1) == 1.0
    assert pass_at_k(4, 1, 1) == pytest.approx(0.25)
    assert pass_at_k(4, 1, 2) == pytest.approx(1 - math.comb(3, 2) / math.comb(4, 2))
    assert math.isnan(pass_at_k(1, 1, 2))


def test_score_is_mean_over_problems_with_stderr():
    samples = pd.DataFrame({"problem_id": ["a", "a", "b", "b"], "correct": [True, True, False, True],
                            "truncated": [False] * 4})
    result = score(samples, ks=(1,))
    assert result["pass@1"] == pytest.approx(75.0)
    assert result["pass@1_stderr"] == pytest.approx(pd.Series([1.0, 0.5]).std() / math.sqrt(2) * 100)
    assert result["n_problems"] == 2 and result["n_samples"] == 2


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
