"""Pivot discovery: phrases that open sentences or clauses of the reasoning far more often than of a reference
corpus, ranked by the weighted log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008,
"Fightin' Words", eq. 22): a user grows a lexicon from their own teacher's traces.

Candidates are the 1- to 4-word beginnings of every sentence or clause (after . ! ? ; : , or a line break),
lower-cased. For candidate w with counts y_t, y_r in the target and reference corpora (totals n_t, n_r), the prior
is the pooled frequency scaled to `prior` pseudo-counts: a_w = prior * (y_t + y_r) / (n_t + n_r), a0 = prior. Then

    delta_w = log((y_t + a_w) / (n_t + a0 - y_t - a_w)) - log((y_r + a_w) / (n_r + a0 - y_r - a_w))
    z_w = delta_w / sqrt(1 / (y_t + a_w) + 1 / (y_r + a_w))
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable

import pandas as pd

from styledistill.style.lexicon import Lexicon, canonical

# Where a sentence or clause starts: the text's start, a line break, or after . ! ? ; : or a comma.
_SEGMENT = re.compile(r"(?:^|\n+|[.!?;:,]\s+)\s*")
_WORD = re.compile(r"[a-z][a-z'-]*")
MAX_WORDS = 4
COLUMNS = ("phrase", "words", "count", "reference_count", "log_odds", "z", "nearest_pivot_type", "examples")


def openings(text: str) -> Iterable[tuple[str, str]]:
    """(n-gram, segment) for the 1..MAX_WORDS-word beginnings of every sentence or clause of `text`."""
    starts = [m.end() for m in _SEGMENT.finditer(text)]
    for start, end in zip(starts, [*starts[1:], len(text)]):
        segment = text[start:end].strip()
        words: list[str] = []
        for token in segment.lower().replace("\u2019", "'").split()[:MAX_WORDS]:
            word = token.strip("\"'*_()[]{}.,;:!?")
            if not _WORD.fullmatch(word):
                break  # a number or a formula: the words before it are the opening
            words.append(word)
        for n in range(1, len(words) + 1):
            yield " ".join(words[:n]), segment


def count_openings(texts: Iterable[str], examples: int = 0) -> tuple[Counter[str], dict[str, list[str]]]:
    counts: Counter[str] = Counter()
    seen: dict[str, list[str]] = defaultdict(list)
    for text in texts:
        for gram, segment in openings(text or ""):
            counts[gram] += 1
            if len(seen[gram]) < examples:
                seen[gram].append(segment[:120])
    return counts, seen


def log_odds(target: Counter[str], reference: Counter[str], prior: float) -> pd.DataFrame:
    """delta and z of every target n-gram against the reference (Monroe et al. 2008, informative prior)."""
    n_t, n_r = sum(target.values()), sum(reference.values())
    total = n_t + n_r
    rows = []
    for gram, y_t in target.items():
        y_r = reference.get(gram, 0)
        a = prior * (y_t + y_r) / total
        delta = math.log((y_t + a) / (n_t + prior - y_t - a)) - math.log((y_r + a) / (n_r + prior - y_r - a))
        rows.append((gram, y_t, y_r, delta, delta / math.sqrt(1 / (y_t + a) + 1 / (y_r + a))))
    return pd.DataFrame(rows, columns=["phrase", "count", "reference_count", "log_odds", "z"])


def nearest_type(phrase: str, lexicon: Lexicon) -> str:
    """The pivot type of the lexicon phrase that contains the candidate or is contained in it; else of the phrase
    sharing the most words with it; "" when none shares a word."""
    words = set(phrase.split())
    best, best_overlap = "", 0.0
    for kind, phrases in lexicon.items():
        for known in map(canonical, phrases):
            if f" {known} " in f" {phrase} " or f" {phrase} " in f" {known} ":
                return kind
            known_words = set(known.split())
            overlap = len(words & known_words) / len(words | known_words)
            if overlap > best_overlap:
                best, best_overlap = kind, overlap
    return best


def discover(target_texts: Iterable[str], reference_texts: Iterable[str], lexicon: Lexicon, *, min_count: int,
             prior: float, top: int, examples: int = 2) -> pd.DataFrame:
    """The top candidates by z (over-represented in the target first), with counts, examples and nearest type."""
    target, seen = count_openings(target_texts, examples)
    reference, _ = count_openings(reference_texts)
    if not target:
        return pd.DataFrame(columns=list(COLUMNS))
    table = log_odds(target, reference, prior)
    table = table[table["count"] >= min_count].sort_values(["z", "phrase"], ascending=[False, True]).head(top)
    table["words"] = table["phrase"].str.split().str.len()
    table["nearest_pivot_type"] = [nearest_type(p, lexicon) for p in table["phrase"]]
    table["examples"] = [" | ".join(seen[p]) for p in table["phrase"]]
    table[["log_odds", "z"]] = table[["log_odds", "z"]].round(3)
    return table[list(COLUMNS)].reset_index(drop=True)
