"""The style check: robust z-scores against a style profile; it accepts real held-out ST traces and rejects an
off-style one."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from styledistill.errors import UserError
from styledistill.style import profile as style_profile
from styledistill.style.extract import extract
from styledistill.style.settings import MeasureSettings, StyleCheck
from styledistill.style.style_check import profile_settings, style_distance, z_scores

PROFILE = {"features": {"words": {"q1": 99.0, "median": 199.0, "q3": 399.0},
                        "pivot_types": {"q1": 2.0, "median": 3.0, "q3": 4.0},
                        "backtracking": {"q1": 0.0, "median": 0.0, "q3": 0.0},
                        "stage_framing": {"median": None, "q1": None, "q3": None}}}


def _check(**kw) -> StyleCheck:
    return StyleCheck(features=["words", "pivot_types", "backtracking", "stage_framing"], **kw)


def test_z_scores_are_robust_and_floored():
    rows = pd.DataFrame({"words": [199, 1999], "pivot_types": [3, 0], "backtracking": [0, 1],
                         "stage_framing": [0.1, 0.2]})
    z = z_scores(rows, PROFILE, _check())
    assert list(z.columns) == ["words", "pivot_types", "backtracking"]  # no median in the profile: not compared
    assert z.loc[0].abs().max() == 0
    # words on a log scale: IQR log(400/100) / 1.349; 10x the median is log(2000/200) away
    assert z.loc[1, "words"] == pytest.approx(math.log(2000 / 200) / (math.log(400 / 100) / 1.349))
    assert z.loc[1, "pivot_types"] == pytest.approx(-3 / (2 / 1.349))
    assert z.loc[1, "backtracking"] == pytest.approx(1 / 0.05)  # IQR 0 and median 0: the absolute floor


def test_a_missing_feature_is_infinitely_far():
    rows = pd.DataFrame({"words": [199], "pivot_types": [None], "backtracking": [0], "stage_framing": [None]})
    checked = style_distance(rows, PROFILE, _check())
    assert math.isinf(checked["style_distance"].iloc[0]) and not checked["style_accepted"].iloc[0]
    assert checked["style_worst"].iloc[0] == "pivot_types"


def test_aggregate_and_threshold():
    rows = pd.DataFrame({"words": [199], "pivot_types": [3 - 2 / 1.349], "backtracking": [0], "stage_framing": [0]})
    assert style_distance(rows, PROFILE, _check(aggregate="max", threshold=1.0))["style_accepted"].iloc[0]
    mean = style_distance(rows, PROFILE, _check(aggregate="mean"))["style_distance"].iloc[0]
    assert mean == pytest.approx(1 / 3)


def test_settings_refuse_unknown_features():
    with pytest.raises(UserError, match="unknown feature.*colour"):
        StyleCheck.from_spec({"features": ["words", "colour"]})
    with pytest.raises(UserError, match="at least 1 item"):
        StyleCheck.from_spec({"features": []})


@pytest.fixture(scope="module")
def real_features(shared_data):
    rows = [json.loads(line) for line in (shared_data / "traces_thoughtanchors_cots_math.jsonl").open()]
    df = pd.DataFrame([{"problem_id": r["id"], "sample": 0, "reasoning": r["thinking"],
                        "answer_text": r.get("answer_text") or "", "correct": r["correct"], "truncated": False}
                       for r in rows if r["correct"] is True])
    return extract(df, MeasureSettings(), progress=False)


def test_accepts_held_out_real_traces_and_rejects_an_off_style_one(real_features):
    """Profile from every other correct R1 trace; the held-out half is accepted at the documented rate (56 of 65,
    86.2%, with the default check); a trace with no pivots at a tenth of the median length is rejected."""
    built, held = real_features.iloc[::2], real_features.iloc[1::2]
    profile = style_profile.build(built, MeasureSettings())
    accepted = style_distance(held, profile, StyleCheck())["style_accepted"]
    assert len(held) == 65 and accepted.sum() == 56
    words = profile["features"]["words"]["median"]
    sentence = "We add the two numbers and then multiply the sum by three to get the total. "
    off = pd.DataFrame([{"problem_id": "off", "sample": 0, "reasoning": sentence * int(words / 10 / 15),
                         "answer_text": "", "correct": True, "truncated": False}])
    off_features = extract(off, profile_settings(profile), progress=False)
    assert off_features["pivots_total"].iloc[0] == 0
    checked = style_distance(off_features, profile, StyleCheck())
    assert not checked["style_accepted"].iloc[0]


def test_the_held_out_traces_without_their_pivots_are_out_of_style(real_features, shared_data):
    """The same held-out R1 traces with their pivots stripped (what ST-PS does): the default check (the worst of the
    form, pivot and stage means) rejects every one; a mean over all features accepted 59 of 65, because their
    length and stages still match."""
    from styledistill.style.pivots import PivotMatcher
    from styledistill.variants.edits import strip_pivots

    settings = MeasureSettings()
    built = real_features.iloc[::2]
    profile = style_profile.build(built, settings)
    rows = [json.loads(line) for line in (shared_data / "traces_thoughtanchors_cots_math.jsonl").open()]
    held_ids = set(real_features.iloc[1::2]["problem_id"])
    matcher = PivotMatcher(settings.lexicon, settings.position_rules)
    stripped = pd.DataFrame([{"problem_id": r["id"], "sample": 0, "reasoning": strip_pivots(r["thinking"], matcher),
                              "answer_text": "", "correct": True, "truncated": False}
                             for r in rows if r["correct"] is True and r["id"] in held_ids])
    features = extract(stripped, settings, progress=False)
    assert len(features) == 65 and features["pivots_total"].eq(0).all()
    assert not style_distance(features, profile, StyleCheck())["style_accepted"].any()
    mean = StyleCheck.from_spec({"aggregate": "mean"}, "test")
    assert style_distance(features, profile, mean)["style_accepted"].sum() == 59
