"""Graders by name: how a dataset's answers are found in an output and compared with the gold answer.

  math     MATH-style answers: boxed, else after a marker, else the last value; compared exactly as numbers, as
           normalised text, then with math-verify (the gold wrapped in `$…$`)
  integer  AIME/AMC: the answer must be an integer ("025" = "25" = "25.0"; "25.5" is wrong)
  number   GSM8K: a decimal number ("1,000", "$18", "18 dollars", "18.00"); "####" is a marker
  choice   multiple choice: an option letter, or an option's own text (needs the options)

`grade` never raises on any output text: extraction reads only the output's tail and is linear in it
(`grading.extract`); comparison is bounded (`grading.math_compare`), and `grading.pool` adds a hard time limit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from styledistill.grading.choice import choice_equal, extract_choice
from styledistill.grading.extract import NOTHING, Extraction, boxed, last_math, last_number, marker, tail
from styledistill.grading.limit import OverTime, time_limit
from styledistill.grading.numbers import Value, exact_value, is_integer, strip_math


@dataclass(frozen=True)
class Grade:
    correct: bool
    extracted: str
    method: str
    status: str = "graded"  # or timeout: the time limit stopped the comparison (graded False)


def _first(text: str, finders: Sequence[tuple[str, Callable[[str], str | None]]]) -> Extraction:
    for method, finder in finders:
        found = finder(text)
        if found:
            return Extraction(found, method)
    return NOTHING


def extract_math(text: str, choices: Sequence[str] = ()) -> Extraction:
    found = _first(text, (("boxed", boxed), ("marker", marker)))
    if found.answer:
        return found
    value = last_math(text)
    return Extraction(*value) if value else NOTHING


def _numeric_marker(text: str) -> str | None:
    return marker(text, needs_digit=True)


def extract_number(text: str, choices: Sequence[str] = ()) -> Extraction:
    return _first(text, (("boxed", boxed), ("marker", _numeric_marker), ("last_number", last_number)))


_NUMBERS = re.compile(r"[-+]?\$?\d[\d,]*(?:\.\d+)?")
_VARIABLE = re.compile(r"^[A-Za-z]\w*\s*=\s*")  # "x = 5"
_UNITS = re.compile(r"(?<=[\d.%])\s*[A-Za-z][A-Za-z.\s]*$")  # "18 dollars", "5 apples each"


def _number_value(text: str, *, integer: bool) -> Value | None:
    """The number an answer states: "x = 5", "18 dollars", "$1,000", "25%"; else the one number in its words
    ("Tom has 12 apples")."""
    plain = _UNITS.sub("", _VARIABLE.sub("", strip_math(text)))
    value = exact_value(plain, currency=True, percent=not integer)
    if value is None:
        numbers = _NUMBERS.findall(plain)
        value = exact_value(numbers[0], currency=True, percent=not integer) if len(numbers) == 1 else None
    return value


def _number_equal(extracted: str, gold: str, *, integer: bool) -> bool:
    values = [_number_value(text, integer=integer) for text in (extracted, gold)]
    if None in values:
        return False
    if integer and not all(is_integer(value) for value in values):
        return False
    return values[0] == values[1]


def integer_equal(extracted: str, gold: str, choices: Sequence[str] = ()) -> bool:
    return _number_equal(extracted, gold, integer=True)


def number_equal(extracted: str, gold: str, choices: Sequence[str] = ()) -> bool:
    return _number_equal(extracted, gold, integer=False)


def math_equal(extracted: str, gold: str, choices: Sequence[str] = ()) -> bool:
    from styledistill.grading.math_compare import math_equal as equal

    return equal(extracted, gold)


@dataclass(frozen=True)
class Grader:
    extract: Callable[[str, Sequence[str]], Extraction]
    equal: Callable[[str, str, Sequence[str]], bool]


GRADERS: dict[str, Grader] = {
    "math": Grader(extract_math, math_equal),
    "integer": Grader(extract_number, integer_equal),
    "number": Grader(extract_number, number_equal),
    "choice": Grader(extract_choice, choice_equal),
}
DEFAULT_GRADER = "math"


def grade(name: str, text: object, gold: object, choices: Sequence[str] = (), seconds: float | None = None) -> Grade:
    """Grade one output (the answer part) against its gold answer with grader `name`, within `seconds` when
    given: over the limit, the grade is False with status timeout and keeps what extraction found."""
    grader = GRADERS[name]
    gold = gold.strip() if isinstance(gold, str) else ""
    found = NOTHING
    try:
        with time_limit(seconds):
            found = grader.extract(tail(text), choices)
            correct = bool(found.answer and gold) and grader.equal(found.answer, gold, choices)
    except OverTime:
        return Grade(False, found.answer, found.method, "timeout")
    return Grade(correct, found.answer, found.method)
