"""Precision of a lexicon on a labelled gold set of matches (tests/data/pivot_gold.jsonl): of the gold matches a
lexicon counts (its phrase, meeting its position rules where it stands), the share labelled `pivot`, per type."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from styledistill.style.lexicon import PIVOT_TYPES, Lexicon, Rules, canonical
from styledistill.style.pivots import RULES


def counted(item: dict[str, Any], lexicon: Lexicon, rules: Rules) -> bool:
    """Would this lexicon count the gold match? Its phrase must be in the lexicon (under the gold item's type) and
    meet the phrase's position rules in the item's context."""
    form = canonical(item["phrase"])
    if form not in {canonical(p) for p in lexicon[item["type"]]}:
        return False
    text = item["before"] + item["match"] + item["after"]
    start = len(item["before"])
    return all(RULES[name](text, start, start + len(item["match"])) for name in rules.get(form, ()))


def precision(gold: Iterable[dict[str, Any]], lexicon: Lexicon, rules: Rules) -> dict[str, dict[str, float]]:
    """Per pivot type: matches counted, of them labelled pivot, and the precision (None when none is counted)."""
    tally = {kind: [0, 0] for kind in PIVOT_TYPES}
    for item in gold:
        if counted(item, lexicon, rules):
            tally[item["type"]][0] += 1
            tally[item["type"]][1] += item["label"] == "pivot"
    return {kind: {"counted": n, "pivots": k, "precision": round(k / n, 3) if n else None}
            for kind, (n, k) in tally.items()}
