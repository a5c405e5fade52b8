"""Stage segmentation (framing -> exploration -> verification -> synthesis), pinned on hand-written traces."""

from __future__ import annotations

import json

import numpy as np
import pytest

from styledistill.style import lexicon
from styledistill.style.extract import features_of
from styledistill.style.pivots import PivotMatcher
from styledistill.style.stages import STAGES, label, score_units, segment
from styledistill.style.steps import step_spans

FOUR_STAGES = (
    "We need to find x given that 2x + 1 = 7. The problem asks for x.\n\n"
    "Let me try subtracting 1: 2x = 6, so x = 3. Maybe another approach works too.\n\n"
    "Let me check: 2*3 + 1 = 7. That confirms it.\n\n"
    "So the answer is 3."
)


def stages_of(text: str) -> dict:
    f = features_of(text)
    return {key: value for key, value in f.items() if key.startswith("stage") or key == "verification_episodes"}


def scores(*rows: tuple[int, int, int, int]) -> np.ndarray:
    return np.array(rows, dtype=np.int64)


def test_an_obvious_four_stage_trace():
    s = stages_of(FOUR_STAGES)
    assert s["stage_order"] == "F>E>V>S" and s["stage_transitions"] == 3
    shares = [s[f"stage_{stage}"] for stage in STAGES]
    assert all(share > 0 for share in shares) and sum(shares) == pytest.approx(1.0)
    paragraphs = step_spans(FOUR_STAGES)
    assert json.loads(s["stage_spans"]) == [[a, b, stage] for (a, b), stage in zip(paragraphs, STAGES)]
    assert s["verification_episodes"] == 1


def test_shares_are_token_shares():
    s = stages_of(FOUR_STAGES)
    f = features_of(FOUR_STAGES)
    synthesis_tokens = 6  # "So the answer is 3."
    assert s["stage_synthesis"] == pytest.approx(synthesis_tokens / f["reasoning_tokens"])


def test_empty_trace_has_no_stages():
    s = stages_of("")
    assert s["stage_order"] == "" and s["stage_transitions"] == 0 and s["verification_episodes"] == 0
    assert all(s[f"stage_{stage}"] is None for stage in STAGES)
    assert s["stage_spans"] == "[]"


def test_fewer_than_three_steps_are_split_into_sentences():
    text = "We need to find the number. Let me try two. Let me check: two plus two is four. So the answer is two."
    s = stages_of(text)
    assert s["stage_order"] == "F>E>V>S"
    assert [span[2] for span in json.loads(s["stage_spans"])] == list(STAGES)


def test_framing_only_opens_a_trace():
    # 3 units: the late "we need to" is not framing again
    labels = label(scores((2, 0, 0, 0), (0, 2, 0, 0), (1, 0, 0, 0), (0, 0, 0, 2)), [0.0, 0.3, 0.6, 0.9])
    assert labels == ["framing", "exploration", "exploration", "synthesis"]


def test_framing_window_and_first_unit():
    # a unit without cues early on continues the framing; past FRAMING_SPAN it does not
    assert label(scores((1, 0, 0, 0), (0, 0, 0, 0), (0, 1, 0, 0)), [0.0, 0.1, 0.5])[:2] == ["framing", "framing"]
    assert label(scores((1, 0, 0, 0), (0, 0, 0, 0), (0, 1, 0, 0)), [0.0, 0.2, 0.5])[:2] == ["framing", "exploration"]
    # a trace that opens by trying something has no framing
    assert label(scores((0, 2, 0, 0), (0, 0, 2, 0)), [0.0, 0.5])[0] == "exploration"


def test_ties_keep_the_previous_stage_else_prefer_verification():
    assert label(scores((0, 1, 0, 0), (0, 1, 1, 0), (0, 0, 2, 0)), [0.0, 0.3, 0.6]) == [
        "exploration", "exploration", "verification"]
    assert label(scores((0, 0, 0, 1), (0, 1, 1, 0), (0, 2, 0, 0), (0, 0, 0, 2)), [0.0, 0.2, 0.5, 0.8])[1] == (
        "verification")


def test_last_unit_concludes_unless_it_checks():
    assert label(scores((2, 0, 0, 0), (0, 2, 0, 0), (0, 0, 0, 0)), [0.0, 0.3, 0.9])[-1] == "synthesis"
    assert label(scores((2, 0, 0, 0), (0, 2, 0, 0), (0, 0, 1, 0)), [0.0, 0.3, 0.9])[-1] == "verification"


def test_smoothing_absorbs_a_lone_weak_unit_only():
    weak = scores((2, 0, 0, 0), (0, 2, 0, 0), (0, 0, 1, 0), (0, 2, 0, 0), (0, 0, 0, 2))
    strong = scores((2, 0, 0, 0), (0, 2, 0, 0), (0, 0, 2, 0), (0, 2, 0, 0), (0, 0, 0, 2))
    positions = [0.0, 0.2, 0.4, 0.6, 0.8]
    assert label(weak, positions) == ["framing", "exploration", "exploration", "exploration", "synthesis"]
    assert label(strong, positions)[2] == "verification"


def test_pivots_score_double_and_cues_inside_pivots_do_not_count_twice():
    text = "Let me check this.\n\nAlternatively, try 3.\n\nNow I see it. The answer is 3."
    units = step_spans(text)
    got = score_units(text, units, PivotMatcher(lexicon.default()).find(text))
    # unit 0: the verification pivot "let me check" (2), its "check" not again; unit 1: "alternatively" (2) +
    # "try" (1); unit 2: "now I see" (2) + "the answer is" (1)
    assert got.tolist() == [[0, 0, 2, 0], [0, 3, 0, 0], [0, 0, 0, 3]]


def test_verification_episodes_are_runs_of_units_with_verification_cues():
    text = ("Let me check a.\n\nI verify b.\n\nNow compute c.\n\nDouble check c.\n\nNow d.\n\n"
            "Confirm d. So the answer is d.")
    assert stages_of(text)["verification_episodes"] == 3


def test_segment_directly():
    units = [(0, 5), (6, 10)]
    seg = segment("aaaaa bbbb", units, [3, 1], [])
    assert seg.labels == ["framing", "synthesis"]  # no cues: the first unit frames, the last concludes
    assert seg.shares == {"framing": 0.75, "exploration": 0.0, "verification": 0.0, "synthesis": 0.25}
    assert (seg.order, seg.transitions) == ("F>S", 1)
