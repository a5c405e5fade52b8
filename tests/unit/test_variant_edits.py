"""The text edits the variants are made of, on hand-made and real R1 traces."""

from __future__ import annotations

import json
import re
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from styledistill.features.settings import FeatureSettings
from styledistill.style.extract import extract
from styledistill.style.lengths import sentence_cuts
from styledistill.style.lexicon import default
from styledistill.style.pivots import PivotMatcher
from styledistill.variants.ablations import length_targets
from styledistill.variants.edits import (
    prefix_share,
    rewrite_point,
    shuffle_spans,
    strip_pivots,
    substitute_final,
    trim_at,
)

MATCHER = PivotMatcher(default())


@pytest.mark.parametrize("text, stripped", [
    ("Wait, that is wrong. So x = 5.", "That is wrong. So x = 5."),
    ("so, actually, it is 5", "so it is 5"),
    ("I was wrong, actually. Next.", "I was wrong. Next."),
    ("Hmm. The answer is 5.", "The answer is 5."),
    ("They actually paid 5.", "They paid 5."),
    ("First.\n\nWait, no. Let me check: 2+3=5.\n\nHmm, so 5.", "First.\n\nNo. 2+3=5.\n\nSo 5."),
])
def test_strip_pivots_repairs_punctuation(text, stripped):
    assert strip_pivots(text, MATCHER) == stripped


def _real_traces(shared_data, n: int = 40) -> list[str]:
    rows = [json.loads(line) for line in (shared_data / "traces_thoughtanchors_cots_math.jsonl").open()]
    return [r["thinking"] for r in rows[:n]]


def _words(text: str) -> Counter[str]:
    return Counter(re.findall(r"[a-z0-9]+", text.lower()))


def test_stripped_real_traces_keep_every_other_word_and_no_pivot(shared_data):
    for text in _real_traces(shared_data):
        stripped = strip_pivots(text, MATCHER)
        assert MATCHER.find(stripped) == []
        removed = sum((_words(p.phrase) for p in MATCHER.find(text)), Counter())
        assert _words(stripped) == _words(text) - removed  # only pivot words went


def test_shuffled_stages_keep_every_sentence(shared_data):
    texts = _real_traces(shared_data, 20)
    frame = pd.DataFrame({"problem_id": [f"p{i}" for i in range(len(texts))], "sample": 0, "reasoning": texts,
                          "answer_text": "", "correct": True, "truncated": False})
    spans = extract(frame, FeatureSettings(), progress=False)["stage_spans"]
    changed = 0
    for text, encoded in zip(texts, spans):
        starts = [start for start, _, _ in json.loads(encoded)]
        shuffled = shuffle_spans(text, starts, seed=7)
        bounds = [0, *sorted(s for s in starts if s > 0), len(text)]
        segments = [text[a:b].strip() for a, b in zip(bounds, bounds[1:]) if text[a:b].strip()]
        assert all(segment in shuffled for segment in segments)  # every stage span, whole
        assert _words(shuffled) == _words(text)
        changed += shuffled != text and len(starts) > 1
        assert shuffle_spans(text, starts, seed=7) == shuffled  # seeded
    assert changed >= 10


def test_rewrite_point_keeps_the_body_and_rewrites_the_end():
    text = "Step one.\n\nStep two.\n\nStep three.\n\nStep four."
    assert text[rewrite_point(text, 0.25):] == "Step four."
    assert text[rewrite_point(text, 0.5):] == "Step three.\n\nStep four."
    assert text[rewrite_point(text, 0.99):] == "Step two.\n\nStep three.\n\nStep four."  # the first step is kept
    assert "One. Two. Three."[rewrite_point("One. Two. Three.", 0.3):] == "Three."
    assert "A single sentence of seven words here"[rewrite_point("A single sentence of seven words here", 0.3):] \
        == "words here"
    assert rewrite_point("Word", 0.3) == 0


def test_substitute_final_changes_only_the_final_step():
    text = "The sum is 12.\n\nSo 12 + 3 = 15, and 150 is too big. The answer is 15."
    out = substitute_final(text, "15", "17")
    assert out == "The sum is 12.\n\nSo 12 + 3 = 17, and 150 is too big. The answer is 17."
    assert prefix_share(text, out) > 0.3
    assert substitute_final("We are done.", "4", "5") == "We are done. So the answer is 5."


def test_trimming_to_reference_lengths_matches_their_distribution(shared_data):
    """Long real traces trimmed at sentence ends to a shorter reference's lengths: KS p > 0.05 afterwards."""
    from scipy.stats import ks_2samp

    texts = _real_traces(shared_data, 60)
    cuts = sentence_cuts(texts, "blank:en")
    lengths = np.array([c[-1][1] for c in cuts])
    reference = np.random.default_rng(0).permutation(lengths)[:40] // 3
    assert ks_2samp(lengths, reference).pvalue < 0.001
    trimmed = [trim_at(t, c, int(w)) for t, c, w in zip(texts, cuts, length_targets(lengths, reference))]
    after = np.array([c[-1][1] for c in sentence_cuts(trimmed, "blank:en")])
    assert (after <= lengths).all() and all(t.startswith(x) for t, x in zip(texts, trimmed))
    assert ks_2samp(after, reference).pvalue > 0.05
