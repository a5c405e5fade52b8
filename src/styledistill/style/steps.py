"""Reasoning steps (blank-line separated paragraphs) and the lexical coherence between adjacent steps."""

from __future__ import annotations

import re
from statistics import fmean

# A blank line: a newline, optional spaces or tabs (or \r), another newline, then any further whitespace.
_BREAK = re.compile(r"\n[^\S\n]*\n\s*")


def step_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the non-empty paragraphs of `text`."""
    return split_spans(text, _BREAK)


def split_spans(text: str, separator: re.Pattern[str]) -> list[tuple[int, int]]:
    """Character spans of the non-empty pieces of `text` between matches of `separator`."""
    spans, start = [], 0
    for match in separator.finditer(text):
        if text[start : match.start()].strip():
            spans.append((start, match.start()))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b)


def coherence(step_sets: list[set[str]]) -> float | None:
    """Mean Jaccard overlap of adjacent steps' sets; pairs where both sets are empty are skipped."""
    values = [jaccard(a, b) for a, b in zip(step_sets, step_sets[1:]) if a or b]
    return fmean(values) if values else None
