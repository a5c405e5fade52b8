"""Backtracking (realization pivots that open a revision) and pivot diversity, on hand-written traces."""

from __future__ import annotations

import pytest

from styledistill.style.backtracking import opens_revision
from styledistill.style.extract import features_of


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("So x = 3. Wait, x = 4 because I dropped a sign.", 1),  # a number changes
        ("So x = 3. Wait, x = 3 indeed.", 0),  # the same number again
        ("The sum is 12. Wait, no, that's wrong.", 1),
        ("The sum is 12. Hmm, I should use the product instead.", 1),
        ("The sum is 12. Actually, that is a mistake: it is 14.", 1),
        ("The sum is 12. Wait, let me double-check that. Yes, 12.", 0),  # checks, revises nothing
        ("The sum is 12. Wait, I didn't make a mistake there.", 0),  # a negated fault
        ("The sum is 12. Wait. Yes. It is 12. That was wrong of me to doubt.", 0),  # the cue is past the window
        ("Alternatively, use the product instead.", 0),  # not a realization pivot
        # the forms R1 writes
        ("The sum is 12. Wait, no\u2014it is 14.", 1),
        ("The sum is 12. Wait no - it is 14.", 1),
        ("The sum is 12. Wait, no: it is 14.", 1),
        ("The sum is 12. Hmm, that's not right.", 1),
        ("The sum is 12. Wait, I made a mistake in the sum.", 1),
    ],
)
def test_backtracking(text, expected):
    f = features_of(text)
    assert f["backtracking"] == expected
    assert f["backtracking"] <= f["realization_count"]


def test_every_revising_pivot_counts():
    text = "x = 1. Wait, x = 2. Oh, no, x = 5. Hmm, fine."
    assert features_of(text)["backtracking"] == 2


def test_r1_lexicon_counts_hold_on():
    from styledistill.features.settings import FeatureSettings

    r1 = FeatureSettings.from_spec({"lexicon": "r1"})
    assert features_of("The sum is 12. Hold on, I made a mistake.", spec=r1)["backtracking"] == 1
    assert features_of("The sum is 12. Hold on, I made a mistake.")["backtracking"] == 0  # not a paper pivot


def test_opens_revision_directly():
    assert opens_revision("so y = 2.", " y = -2.")
    assert opens_revision("", " no, the other one.")
    assert not opens_revision("", " nothing here, no problem")  # "no" without , . ! ;
    assert not opens_revision("", " let me check for errors")


def test_pivot_diversity():
    assert features_of("Wait. Wait. Hmm. Let me check.")["pivot_diversity"] == pytest.approx(3 / 4)
    assert features_of("WAIT. wait.")["pivot_diversity"] == pytest.approx(1 / 2)  # one phrase, any case
    assert features_of("No pivots at all.")["pivot_diversity"] is None
