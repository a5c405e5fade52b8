"""The style profile (from correct traces) and the style brief variants derive from it."""

from __future__ import annotations

import pandas as pd
import pytest

from styledistill.features.settings import FeatureSettings
from styledistill.style import profile
from styledistill.style.extract import extract
from styledistill.style.lexicon import PIVOT_TYPES
from styledistill.variants import style_brief

CORRECT = [
    "Wait, x = 2.\n\nLet me check: 2 + 2 = 4.\n\nWhat if x = 3? No.",  # 3 types
    "Hmm, x = 2.\n\nWait, actually x = 2 for sure.\n\nTo verify: yes.",  # 2 types
    "Wait.\n\nWait.\n\nAlternatively, x = 2. Let me check. Now I see.",  # 4 types
]
WRONG = ["So x = 7.", "Oh, x = 9. Hmm. Oh well."]


@pytest.fixture(scope="module")
def features() -> pd.DataFrame:
    frame = pd.DataFrame({
        "problem_id": [f"p{i}" for i in range(5)], "sample": 0,
        "reasoning": CORRECT + WRONG, "answer_text": "x = 2",
        "correct": [True, True, True, False, False], "truncated": False,
    })
    return extract(frame, FeatureSettings(), progress=False)


def test_profile_uses_correct_traces_only(features):
    prof = profile.build(features, FeatureSettings())
    assert (prof["source"], prof["n_traces"], prof["n_input_traces"], prof["n_correct"]) == ("correct", 3, 5, 3)
    correct = features[features["correct"].eq(True)]
    tokens = correct["reasoning_tokens"]
    assert prof["features"]["reasoning_tokens"] == {
        "median": tokens.median(), "q1": tokens.quantile(0.25), "q3": tokens.quantile(0.75)}
    assert prof["features"]["steps"]["median"] == 3
    assert prof["features"]["realization_count"] == {"median": 2.0, "q1": 1.5, "q3": 2.5}  # 1, 3, 2
    assert set(prof["features"]) == set(profile.NUMERIC_FEATURES)
    assert "sample" not in prof["features"] and "pivot_types" in prof["features"]


def test_pivot_summary_and_coverage(features):
    prof = profile.build(features, FeatureSettings())
    real = prof["pivots"]["realization"]
    assert real["share_of_traces"] == 1.0
    assert real["top_phrases"] == ["wait", "actually", "hmm"]  # 4 x wait, then ties sorted by phrase
    assert prof["pivots"]["verification"]["top_phrases"] == ["let me check", "to verify"]
    assert prof["pivots"]["integration"]["share_of_traces"] == pytest.approx(1 / 3, abs=1e-4)
    assert prof["pivots"]["integration"]["per_1k_tokens_median"] == 0.0
    assert prof["coverage"]["mean"] == 3.0
    assert prof["coverage"]["share_min_types"] == pytest.approx(2 / 3, abs=1e-4)
    assert prof["coverage"]["share_by_types"] == {"0": 0.0, "1": 0.0, "2": 0.3333, "3": 0.3333, "4": 0.3333}
    assert set(prof["pivots"]) == set(PIVOT_TYPES)
    assert "brief" not in prof  # the prompt text is the variants' business (variants/style_brief.py)


def test_stage_summary(features):
    prof = profile.build(features, FeatureSettings())
    stages = prof["stages"]
    correct = features[features["correct"].eq(True)]
    assert set(stages["share_median"]) == {"framing", "exploration", "verification", "synthesis"}
    assert stages["share_median"]["verification"] == pytest.approx(correct["stage_verification"].median(), abs=1e-4)
    orders = correct["stage_order"].value_counts()
    assert stages["typical_order"] in set(orders.index[orders == orders.max()])
    assert stages["typical_order_share"] == pytest.approx(orders.max() / len(correct), abs=1e-4)
    assert stages["orders"] == len(orders)


def test_typical_order_ties_go_to_the_shorter_order():
    frame = pd.DataFrame({
        "problem_id": ["a", "b", "c"], "sample": 0, "answer_text": "", "correct": True, "truncated": False,
        "reasoning": ["We need to find it.\n\nMaybe try 2.\n\nLet me check it.\n\nSo the answer is 2.",
                      "We need to find it.\n\nSo the answer is 2.", "Let me check.\n\nMaybe try.\n\nMaybe more."],
    })
    measured = extract(frame, FeatureSettings(), progress=False)
    assert measured["stage_order"].tolist() == ["F>E>V>S", "F>S", "V>E"]
    prof = profile.build(measured, FeatureSettings())
    assert prof["stages"]["typical_order"] == "F>S"  # three orders, once each: the shortest, then alphabetical


def test_falls_back_to_all_traces_when_none_is_correct(features):
    prof = profile.build(features.assign(correct=False), FeatureSettings())
    assert (prof["source"], prof["n_traces"], prof["n_correct"]) == ("all", 5, 0)
    assert prof["pivots"]["realization"]["top_phrases"] == ["wait", "hmm", "oh", "actually"]


def test_describe_mentions_size_and_top_phrases(features):
    brief = style_brief.describe(profile.build(features, FeatureSettings()))
    assert "'wait'" in brief and "'let me check'" in brief and "'alternatively'" in brief
    assert "3 short paragraphs" in brief
    assert "Use at least 3 of these kinds of moves." in brief


def test_describe_from_numbers_only():
    prof = {
        "min_types": 3,
        "features": {"words": {"median": 183.4}, "steps": {"median": 6}, "words_per_step": {"median": 30.2},
                     "realization_count": {"median": 4}, "verification_count": {"median": 1},
                     "first_pivot_pos": {"median": 0.1}},
        "pivots": {
            "realization": {"share_of_traces": 0.9, "top_phrases": ["wait", "actually", "hmm", "oh"]},
            "verification": {"share_of_traces": 0.8, "top_phrases": ["let me check"]},
            "exploration": {"share_of_traces": 0.2, "top_phrases": ["what if"]},
            "integration": {"share_of_traces": 0.05, "top_phrases": ["now I see"]},
        },
        "coverage": {"share_min_types": 0.7},
    }
    brief = style_brief.describe(prof)
    assert brief.startswith("Write about 180 words of reasoning in about 6 short paragraphs")
    assert "Interrupt yourself to correct course about 4 times, with phrases like 'wait', 'actually', 'hmm'." in brief
    assert "'oh'" not in brief  # at most three phrases per type
    assert "Check your work about once, with phrases like 'let me check'." in brief
    assert "occasionally, with phrases like 'what if'" in brief
    assert "now I see" not in brief  # rarer than style_brief.RARE
    assert "about 10% of the way in" in brief
    assert "Shape the reasoning" not in brief  # no stages in this profile
    prof["stages"] = {"typical_order": "F>E>V>E>S"}
    assert style_brief.describe(prof).endswith(
        "Shape the reasoning as: restate the problem, then work on it, then check the work, then work on it, "
        "then state the conclusion.")


def test_describe_an_empty_profile():
    assert style_brief.describe({}) == "Write a short reasoning trace."
