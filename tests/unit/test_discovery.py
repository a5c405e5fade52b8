"""Pivot discovery: a phrase planted at sentence starts of the target corpus ranks first."""

from __future__ import annotations

import random

from styledistill.features.discovery import discover, log_odds, nearest_type, openings
from styledistill.style.lexicon import resolve

FILLER = ["the sum is {n}", "we multiply by {n}", "so the total is {n}", "then we add {n}", "this gives {n}"]


def _corpus(seed: int, planted: str | None, n: int = 200) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(n):
        sentences = [rng.choice(FILLER).format(n=rng.randint(1, 99)).capitalize() + "." for _ in range(6)]
        if planted and rng.random() < 0.5:
            sentences.insert(rng.randint(1, 5), f"{planted}, the sum is {rng.randint(1, 9)}.")
        texts.append(" ".join(sentences))
    return texts


def test_openings_are_sentence_and_clause_initial():
    grams = [g for g, _ in openings("Wait, let me check. 3 + 4 = 7; so it is 7.\nHmm no.")]
    assert grams == ["wait", "let", "let me", "let me check", "so", "so it", "so it is", "hmm", "hmm no"]


def test_a_planted_phrase_ranks_first():
    table = discover(_corpus(0, "on second thought"), _corpus(1, None), resolve("r1")[0], min_count=5, prior=100.0,
                     top=50)
    assert table.iloc[0]["phrase"] in {"on second thought", "on second", "on"}
    assert set(table.head(3)["phrase"]) == {"on", "on second", "on second thought"}
    assert table.iloc[0]["z"] > 3 and table.iloc[0]["reference_count"] == 0
    assert "the sum is" not in set(table.head(5)["phrase"])  # as common in both corpora


def test_log_odds_is_symmetric_and_zero_for_equal_rates():
    from collections import Counter

    a, b = Counter({"x": 10, "y": 90}), Counter({"x": 10, "y": 90})
    assert abs(log_odds(a, b, 10.0).set_index("phrase").loc["x", "z"]) < 1e-9


def test_nearest_type():
    lexicon = resolve("r1")[0]
    assert nearest_type("let me check", lexicon) == "verification"
    assert nearest_type("let me check the", lexicon) == "verification"
    assert nearest_type("putting it all", lexicon) == "integration"
    assert nearest_type("banana", lexicon) == ""
