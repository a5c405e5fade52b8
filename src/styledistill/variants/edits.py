"""Text edits the variants are made of: where a rewrite starts, a wrong value put in the final step, pivots removed,
stage spans reordered, a trace trimmed at a sentence end. Pure functions of text (and spans measured elsewhere)."""

from __future__ import annotations

import os
import random
import re
from collections.abc import Sequence

from styledistill.style.pivots import PivotMatcher
from styledistill.style.steps import split_spans, step_spans

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def units(text: str) -> list[tuple[int, int]]:
    """The steps of a trace (paragraphs), or its sentences when it has a single paragraph."""
    steps = step_spans(text)
    return steps if len(steps) >= 2 else split_spans(text, _SENTENCE_END)


# Where a sentence or a line starts; where a word starts.
_SENTENCE_START = re.compile(r"(?:[.!?][\"')\]]*\s+|\n\s*)(?=\S)")
_WORD_START = re.compile(r"\s+(?=\S)")


def _nearest(boundary: re.Pattern[str], text: str, target: float) -> int | None:
    starts = [m.end() for m in boundary.finditer(text) if m.end() < len(text)]
    return min(starts, key=lambda start: (abs(start - target), start)) if starts else None


def rewrite_point(text: str, share: float) -> int:
    """Where a rewrite of about the last `share` of a trace starts: the sentence or line start nearest to that
    point when one lies within half of `share` of it, else the nearest word start (something is always kept and
    something rewritten). 0 for a trace of one word."""
    target = (1 - share) * len(text)
    sentence = _nearest(_SENTENCE_START, text, target)
    if sentence is not None and abs(sentence - target) <= share / 2 * len(text):
        return sentence
    word = _nearest(_WORD_START, text, target)
    return word if word is not None else 0


def _number(value: str) -> re.Pattern[str]:
    """`value` as a whole number in text: not inside a longer number."""
    return re.compile(rf"(?<![\d.]){re.escape(value)}(?![\d]|\.\d)")


def substitute_final(text: str, gold: str, wrong: str) -> str:
    """The trace with `wrong` in place of the gold value in its final unit; when the final unit does not state the
    gold value, the trace gets a closing sentence stating the wrong one."""
    spans = units(text)
    if not spans:
        return f"So the answer is {wrong}."
    start, end = spans[-1]
    final, count = _number(gold.strip()).subn(wrong, text[start:end])
    if count:
        return text[:start] + final + text[end:]
    return text[:end].rstrip() + f" So the answer is {wrong}." + text[end:]


def prefix_share(original: str, altered: str) -> float:
    """Share of the original text kept verbatim as the altered text's prefix."""
    return len(os.path.commonprefix([original, altered])) / len(original) if original else 0.0


# What a removed pivot takes along: its punctuation and the spaces after it (not a line break). A pivot that opens a
# sentence takes a full stop too ("Hmm. So ..."); one inside a sentence leaves the sentence's end in place.
_TRAIL_OPENING = re.compile(r"[,;:.!?\u2014\u2013-]*[^\S\n]*")
_TRAIL_INNER = re.compile(r"[,;:\u2014\u2013-]*[^\S\n]*")
_OPENS = re.compile(r"(?:^|[.!?][\"')\]]*\s+|\n\s*)$")


def _strip_once(text: str, matcher: PivotMatcher) -> str:
    out: list[str] = []
    last, capitalize = 0, False
    for pivot in matcher.find(text):
        before = text[last : pivot.start]
        if capitalize:
            before, capitalize = _capitalized(before), False
        opens = _OPENS.search("".join(out) + before) is not None
        end = (_TRAIL_OPENING if opens else _TRAIL_INNER).match(text, pivot.end).end()
        if not opens and (text[pivot.end : end].strip() or text[end : end + 1] in ".!?"):
            before = re.sub(r",[^\S\n]*$", " ", before)  # "so, actually, it is" -> "so it is"
        out.append(before)
        capitalize, last = opens, end
    rest = text[last:]
    out.append(_capitalized(rest) if capitalize else rest)
    joined = re.sub(r"[^\S\n]{2,}", " ", "".join(out))
    return re.sub(r"[^\S\n]+([,.;:!?])", r"\1", joined)


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def strip_pivots(text: str, matcher: PivotMatcher) -> str:
    """The text without any pivot phrase of the matcher's lexicon: each pivot goes with the punctuation after it;
    a sentence it opened starts with a capital; a comma it leaves dangling goes too. Repeats until no pivot is left
    (removing one may bring two words together that form another)."""
    for _ in range(5):
        if not matcher.find(text):
            break
        text = _strip_once(text, matcher)
    return text


def shuffle_spans(text: str, starts: Sequence[int], seed: int) -> str:
    """The text cut at `starts` (the stage spans' starts) into segments, put in a seeded random order (never the
    original order when there are two or more), joined by blank lines. The text before the first span goes first."""
    cuts = sorted({s for s in starts if 0 < s < len(text)})
    bounds = [0, *cuts, len(text)]
    segments = [text[a:b].strip() for a, b in zip(bounds, bounds[1:]) if text[a:b].strip()]
    if len(segments) < 2:
        return text
    order = list(range(len(segments)))
    random.Random(seed).shuffle(order)
    if order == sorted(order):
        order = order[1:] + order[:1]
    return "\n\n".join(segments[i] for i in order)


def trim_at(text: str, cuts: Sequence[tuple[int, int]], words: int) -> str:
    """The prefix of `text` that ends at a sentence end with a word count nearest to `words` (the shorter on a tie;
    the whole text when it is shorter). `cuts`: (character offset, words before it) at every sentence end,
    ascending, the text's end last."""
    if not cuts:
        return text
    offset, _ = min(cuts, key=lambda cut: (abs(cut[1] - words), cut[1]))
    return text[:offset].rstrip()
