"""The recovery measures on hand-made spans with a known answer: perfect where the measurement matches the plant,
exactly the planted shortfall where it misses, misplaces or invents."""

from __future__ import annotations

import json
import math

from styledistill.simulation.recovery import pivot_recovery, stage_agreement


def _spans(*spans: list) -> str:
    return json.dumps(list(spans))


PLANTED = [_spans([0, 4, "realization", "Wait"], [20, 31, "verification", "Let me check"]),
           _spans([5, 18, "exploration", "Alternatively"])]


def test_a_perfect_measurement_scores_one_and_nothing_found_where_nothing_was_planted():
    table = pivot_recovery(PLANTED, PLANTED)
    assert table.loc[["realization", "verification", "exploration"], ["precision", "recall"]].eq(1.0).all().all()
    assert math.isnan(table.at["integration", "precision"]) and math.isnan(table.at["integration", "recall"])
    assert table.at["integration", "planted"] == table.at["integration", "found"] == 0


def test_misses_misplacements_and_inventions_count_exactly():
    found = [_spans([0, 4, "realization", "Wait"], [40, 44, "verification", "verify"]),  # one right, one misplaced
             _spans([5, 18, "integration", "Alternatively"], [30, 34, "integration", "so"])]  # wrong type, invented
    table = pivot_recovery(PLANTED, found)
    assert table.at["realization", "recall"] == 1.0 and table.at["realization", "precision"] == 1.0
    assert table.at["verification", "recall"] == 0.0 and table.at["verification", "precision"] == 0.0
    assert table.at["exploration", "recall"] == 0.0 and table.at["exploration", "found"] == 0
    assert table.at["integration", "precision"] == 0.0 and table.at["integration", "found"] == 2


def test_stage_agreement_is_the_share_of_characters_given_their_planted_stage():
    planted = [_spans([0, 10, "framing"], [10, 40, "exploration"])]
    assert stage_agreement(planted, planted, [40]) == 1.0
    shifted = [_spans([0, 20, "framing"], [20, 40, "exploration"])]  # 10 exploration characters called framing
    assert stage_agreement(planted, shifted, [40]) == 30 / 40
    assert stage_agreement(planted, [_spans()], [40]) == 0.0
    assert math.isnan(stage_agreement([_spans()], [_spans()], [40]))  # nothing planted: nothing to agree on
