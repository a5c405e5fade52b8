"""Backtracking: realization pivots that open a revision.

A realization pivot ("wait", "oh", "actually", ...) counts as backtracking when what follows it revises something.
The window after the pivot is the rest of the pivot's sentence and the next sentence; the context before it is the
previous sentence and the pivot's sentence up to the pivot. The pivot opens a revision when

- the window contains a revision cue (`REVISION_CUES`: "instead", "no," / "no." / "no:" / "no—", "should be",
  "not right", "I forgot", ...), or a fault word (`FAULT_WORDS`: "wrong", "mistake", "incorrect", "error", ...)
  that no negation or hedge among the three words before it takes back ("I didn't make a mistake"), or
- the window assigns a different number to a name the context assigned one to ("x = 3. Wait, x = 4").

"Wait, let me double-check that" alone is not backtracking: it checks, it does not revise.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

from styledistill.style.phrases import compile_phrases
from styledistill.style.pivots import Pivot

REVISION_CUES: tuple[str, ...] = (
    "instead", "should be", "should have been", "scratch that", "correction", "not right", "not correct",
    "isn't right", "can't be right", "cannot be right", "doesn't work", "doesn't make sense", "I missed",
    "I forgot", "oops", "let me correct", "let me redo", "let me fix",
)
# Words that name a fault: they count unless a negation or a hedge stands in the three words before them
# ("to make sure I didn't make a mistake", "check for errors" revise nothing).
FAULT_WORDS: tuple[str, ...] = (
    "wrong", "mistake", "mistakes", "mistaken", "error", "errors", "incorrect", "incorrectly", "miscalculated",
    "miscalculation", "miscounted", "misread",
)
_NEGATION = re.compile(r"^(?:no|not|any|without|never|avoid|for|\w+n['\u2019]t)$", re.IGNORECASE)


_CUE = compile_phrases(REVISION_CUES)
# "no," "no." "no!" "no;" "no:" and R1's dashes: "Wait, no\u2014" "no - it is"
_NO = re.compile(r"(?<!\w)no(?:[,.!;:]|\s*[\u2014\u2013-])", re.IGNORECASE)
_FAULT = compile_phrases(FAULT_WORDS)
_WORD = re.compile(r"[\w'\u2019]+")
# "x = 3", "total = -2.5": a name, an equals sign, a number.
_ASSIGNMENT = re.compile(r"(?<![\w\\])([A-Za-z][A-Za-z0-9_]*)\s*=\s*(-?\d+(?:\.\d+)?)(?![\d.]*\w)")


def _assignments(text: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for name, number in _ASSIGNMENT.findall(text):
        out.setdefault(name, set()).add(number)
    return out


def _names_a_fault(window: str) -> bool:
    for match in _FAULT.finditer(window):
        before = _WORD.findall(window[max(0, match.start() - 40) : match.start()])[-3:]
        if not any(_NEGATION.match(word) for word in before):
            return True
    return False


def opens_revision(before: str, window: str) -> bool:
    """Whether the text after a realization pivot (`window`) revises the text before it (`before`)."""
    if _CUE.search(window) or _NO.search(window) or _names_a_fault(window):
        return True
    earlier = _assignments(before)
    return any(name in earlier and not numbers <= earlier[name] for name, numbers in _assignments(window).items())


def count(text: str, pivots: Sequence[Pivot], sentence_starts: Sequence[int]) -> int:
    """Realization pivots in `text` that open a revision; `sentence_starts` are the sentences' character offsets."""
    total = 0
    n = len(sentence_starts)
    for pivot in pivots:
        if pivot.kind != "realization":
            continue
        k = bisect_right(sentence_starts, pivot.start) - 1
        start = sentence_starts[k - 1] if k >= 1 else 0
        end = sentence_starts[k + 2] if k + 2 < n else len(text)
        if opens_revision(text[start : pivot.start], text[pivot.end : end]):
            total += 1
    return total
