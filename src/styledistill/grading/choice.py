"""Multiple choice (GPQA): which option did the output pick? By letter ("(C)", "Answer: C", "\\boxed{C}") or by
the option's own text. Options are lettered A, B, C, … in the order the prompt showed them."""

from __future__ import annotations

import re
import string
from collections.abc import Sequence

from styledistill.grading.extract import NOTHING, Extraction, boxed, last_paragraph, marker
from styledistill.grading.numbers import strip_math

MAX_OPTIONS = 10
# "answer is (C)", "correct option: C", "option B": a letter in parentheses, or a bare one not followed by a word
# ("Answer: I think (B)" names B, not I)
_CUE = re.compile(r"\b(answer|correct(?:\s+(?:option|choice))?|option|choice)\b[^A-Za-z0-9(]{0,12}(?:is\b)?[\s:*]*"
                  r"(?:\(([A-J])\)|([A-J])(?![A-Za-z])(?!\s+[a-z]))", re.IGNORECASE)
_STRONG_CUES = ("answer", "correct")
_PARENTHESISED = re.compile(r"\(([A-J])\)")


def letters(choices: Sequence[str]) -> str:
    return string.ascii_uppercase[:len(choices) or MAX_OPTIONS]


def _squash(text: str) -> str:
    return re.sub(r"[\s.]+", " ", strip_math(text)).strip().lower()


def as_letter(answer: str, choices: Sequence[str]) -> str | None:
    """The option an answer names: a bare letter ("C", "(C)", "C.", "\\text{C}") or an option's exact text."""
    valid = letters(choices)
    plain = strip_math(answer).strip("*").strip()
    bare = re.fullmatch(r"\(?\s*([A-Za-z])\s*\)?[.:]?", plain)
    if bare and bare.group(1).upper() in valid and (bare.group(1).isupper() or len(plain) > 1):
        return bare.group(1).upper()
    wanted = _squash(answer)
    matches = [letter for letter, option in zip(valid, choices) if _squash(option) == wanted]
    return matches[0] if len(matches) == 1 else None


def extract_choice(text: str, choices: Sequence[str] = ()) -> Extraction:
    """The option letter: boxed, after a cue ("answer is (C)"), the last "(C)", or the one option whose text the
    final paragraph quotes."""
    valid = letters(choices)
    for method, found in (("boxed", boxed(text)), ("marker", marker(text))):
        letter = as_letter(found, choices) if found else None
        if letter:
            return Extraction(letter, method)
    cues = [(m.group(1).lower().startswith(_STRONG_CUES), m.group(2) or m.group(3)) for m in _CUE.finditer(text)]
    cues = [(strong, letter) for strong, letter in cues if letter.isupper() and letter in valid]
    # a cue that names the answer ("the correct choice is B") outranks one that discusses an option ("option D fails")
    strong = [letter for is_strong, letter in cues if is_strong]
    if strong or cues:
        return Extraction((strong or [letter for _, letter in cues])[-1], "letter")
    parenthesised = [m.group(1) for m in _PARENTHESISED.finditer(text) if m.group(1) in valid]
    if parenthesised:
        return Extraction(parenthesised[-1], "letter")
    final = _squash(last_paragraph(text))
    quoted = [letter for letter, option in zip(valid, choices) if _squash(option) and _squash(option) in final]
    if len(quoted) == 1:
        return Extraction(quoted[0], "option_text")
    return NOTHING


def choice_equal(extracted: str, gold: str, choices: Sequence[str] = ()) -> bool:
    gold_letter = as_letter(gold, choices)
    return gold_letter is not None and extracted == gold_letter
