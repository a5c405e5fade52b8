"""A second opinion on every grade, from code that shares nothing with the graders.

Where the graders match patterns over the text and hand math to math-verify, this reads the output line by line
from the end and takes the first answer it meets: the `boxed{…}` of one line (read by counting braces), the text
after an answer cue, or the last token holding a digit. It reduces answer and gold to one canonical string each:
LaTeX spacing and wrappers dropped, units and a leading "x =" dropped, plain numbers and integer fractions written
as a reduced p/q with `decimal`. The grade and the second opinion disagree where either was fooled; the audit table
lists those cases with both extractions.
"""

from __future__ import annotations

import decimal
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

READ_CHARS = 4_000
MAX_LINES = 200
MAX_BOX_CHARS = 500
MAX_VALUE_DIGITS = 200  # longer numbers stay canonical strings


@dataclass(frozen=True)
class Opinion:
    correct: bool
    extracted: str


def _box_contents(line: str) -> list[str]:
    """Each closed, non-empty `boxed{…}` of one line, read by counting braces."""
    found, start = [], line.find("boxed{")
    while start >= 0:
        depth = 0
        for i in range(start + len("boxed"), min(len(line), start + MAX_BOX_CHARS)):
            depth += {"{": 1, "}": -1}.get(line[i], 0)
            if depth == 0:
                content = line[start + len("boxed{"):i].strip()
                if content and content not in found:
                    found.append(content)
                break
        start = line.find("boxed{", start + 1)
    return found


_CUE = re.compile(r"(?:\banswer\b(?:\s+is\b)?|####)\s*[:=]?\s*(.*)$", re.IGNORECASE)


def _answer(text: str) -> str:
    lines = [line.replace("*", "").strip() for line in text[-READ_CHARS:].splitlines()]
    lines = [line for line in lines if line][-MAX_LINES:]
    for line in reversed(lines):
        contents = _box_contents(line)
        if contents:
            return ", ".join(contents)
    for index in range(len(lines) - 1, -1, -1):
        cue = _CUE.search(lines[index])
        if cue:
            rest = cue.group(1) if any(ch.isalnum() for ch in cue.group(1)) else " ".join(lines[index + 1:index + 2])
            if any(ch.isalnum() for ch in rest):
                return rest
    for line in reversed(lines):
        tokens = [t for t in re.split(r"[\s,;]+(?=\D)|\s+", line) if any(ch.isdigit() for ch in t)]
        if tokens:
            return tokens[-1]
    return ""


_DROP = re.compile(r"\\?\$|\\left|\\right|\\displaystyle|\\[,;:! ]|\\\(|\\\)|\\\[|\\\]|\s|\^\{?\\circ\}?|°|\\?%")
_WRAPPER = re.compile(r"\\(?:text|mathrm|mbox|textbf|mathbf)\{([^{}]*)\}")
_NUMBER = re.compile(r"(-?)(\d+(?:,\d{3})*(?:\.\d*)?|\.\d+)")
_FRACTION = re.compile(r"(-?)\\frac\{(-?\d+)\}\{(\d+)\}|(-?\d+)/(\d+)")


def _number(sign: str, digits: str) -> str:
    digits = digits.replace(",", "")
    if len(digits) > MAX_VALUE_DIGITS:
        return sign + digits.lstrip("0")
    return _ratio(*decimal.Decimal(sign + digits).as_integer_ratio())


def _ratio(numerator: int, denominator: int) -> str:
    common = math.gcd(numerator, denominator) or 1
    numerator, denominator = numerator // common, denominator // common
    return str(numerator) if denominator == 1 else f"{numerator}/{denominator}"


def canonical(answer: str) -> str:
    """One string per value: "$\\dfrac{6}{4}$" -> "3/2", "1,000.0 dollars" -> "1000", "x = \\sqrt3" -> "\\sqrt{3}"."""
    text = answer.replace("−", "-").strip().rstrip(".")
    for _ in range(3):
        text = _WRAPPER.sub(r"\1", text)
    text = re.sub(r"\\[dt]frac", r"\\frac", _DROP.sub("", text))
    text = re.sub(r"\\(sqrt|frac)(\d)", r"\\\1{\2}", text)
    text = re.sub(r"\\frac\{([^{}]*)\}(\d)", r"\\frac{\1}{\2}", text)
    text = re.sub(r"^[A-Za-z]=", "", text).rstrip(".")
    text = re.sub(r"(?<=\d)[A-Za-z]{2,}$", "", text)
    number = _NUMBER.fullmatch(text)
    if number:
        return _number(*number.groups())
    fraction = _FRACTION.fullmatch(text)
    if fraction:
        sign, p, q = (fraction.group(1), fraction.group(2), fraction.group(3)) if fraction.group(2) else \
            ("", fraction.group(4), fraction.group(5))
        if int(q) != 0 and len(p) + len(q) <= MAX_VALUE_DIGITS:
            value = _ratio(int(p), int(q))
            return value[1:] if sign and value.startswith("-") else sign + value
    return text


def _letter(answer: str) -> str:
    found = re.findall(r"(?<![A-Za-z])\(?([A-J])\)?(?![A-Za-z])", canonical(answer))
    return found[-1] if found else ""


def second_opinion(text: object, gold: object, grader: str, choices: Sequence[str] = ()) -> Opinion:
    """Grade `text` against `gold` independently of the named grader (whose kind of answer it expects)."""
    if not isinstance(text, str) or not isinstance(gold, str) or not gold.strip():
        return Opinion(False, "")
    answer = _answer(text)
    if not answer:
        return Opinion(False, "")
    if grader == "choice":
        letter = _letter(answer)
        gold_letter = _letter(gold) or next(
            (chr(65 + i) for i, option in enumerate(choices) if canonical(option) == canonical(gold)), "")
        if not letter and choices:
            letter = next((chr(65 + i) for i, option in enumerate(choices) if canonical(option) == canonical(answer)),
                          "")
        return Opinion(bool(letter) and letter == gold_letter, letter or answer)
    value, gold_value = canonical(answer), canonical(gold)
    if grader == "integer" and ("/" in value or not value.lstrip("-").isdigit()):
        return Opinion(False, answer)
    return Opinion(value == gold_value, answer)
