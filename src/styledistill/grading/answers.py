"""Grade one final answer against its gold answer.

Extraction (the first that finds something wins; the method is recorded):
  boxed        the last `\\boxed{…}` / `\\fbox{…}` (nested braces; an unclosed or empty box is skipped)
  marker       the text after the last "Answer:", "The answer is", "final answer is", …
  last_number  the last number in the text (integers, decimals, 1,234-style grouping, a/b)
  none         nothing found: graded False

Comparison: an exact numeric comparison when both answers are plain numbers ("7" = "7.0" = "$7$", "17" ≠ "7");
otherwise equal normalised text, otherwise math-verify (`parse`/`verify`), with the gold wrapped in `$…$` so LaTeX
parses. math-verify's own timeouts use signals, which fail outside the main thread, so they are off here and the work
is bounded by this module instead: answers longer than `MAX_PARSE_CHARS`, or whose text or parsed form would make
sympy evaluate enormous numbers (power towers, huge factorials, binomials, sums and products), are compared as text
only. `grading.pool` adds a per-answer alarm where it runs in a main thread.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any

METHODS = ("boxed", "marker", "last_number", "none")
MAX_PARSE_CHARS = 1000  # longer answers are compared as text only
MAX_MARKER_CHARS = 300
MAX_DIGITS = 50_000  # parsed values whose size bound exceeds this many digits are never evaluated


@dataclass(frozen=True)
class Grade:
    correct: bool
    extracted: str
    method: str


# ----------------------------------------------------------------------------------------------------------------
# Extraction

_BOX = re.compile(r"\\(?:boxed|fbox)(?![A-Za-z])")
_BARE_BOX = re.compile(r"[ \t]+([^\s${}\\]+)")  # `\boxed 5`
_MARKER = re.compile(r"\banswer\b[ \t]*\**[ \t]*(?:is\b|:)[ \t]*:?", re.IGNORECASE)
_NUMBER_IN_TEXT = re.compile(r"(?<![\w.])-?(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?(?:/\d+)?")


def _braced(text: str, start: int) -> str | None:
    """The text inside the brace group opening at `text[start]`, or None when it never closes."""
    depth, i = 0, start
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return text[start + 1:i]
        i += 1
    return None


def boxed_answer(text: str) -> str | None:
    """Content of the last closed, non-empty `\\boxed{…}` (or `\\boxed 5`)."""
    for match in reversed(list(_BOX.finditer(text))):
        j = match.end()
        while j < len(text) and text[j] in " \t\n":
            j += 1
        if j < len(text) and text[j] == "{":
            inner = _braced(text, j)
            if inner is not None and inner.strip():
                return inner.strip()
        else:
            bare = _BARE_BOX.match(text, match.end())
            if bare:
                return bare.group(1)
    return None


def _trim(text: str) -> str:
    text = text.strip().strip("*").strip()
    text = re.sub(r"^[:\-–]\s*", "", text)
    text = re.sub(r"[\s*]*[.。]?[\s*]*$", "", text)
    return text.strip()


def marker_answer(text: str) -> str | None:
    """The answer after the last answer marker that is followed by something answer-like."""
    for match in reversed(list(_MARKER.finditer(text))):
        tail = text[match.end():].lstrip(" \t*:")
        lines = tail.split("\n")
        first = next((line for line in lines if line.strip()), "")
        if first and not re.search(r"[0-9A-Za-z]", first):
            # a display delimiter on its own line (`\[`, `$$`): take the paragraph
            first = re.split(r"\n\s*\n", tail.strip(), maxsplit=1)[0]
        first = re.split(r"\.\s+(?=[A-Z])", first, maxsplit=1)[0]  # "$5$. I hope it is correct."
        candidate = _trim(first)[:MAX_MARKER_CHARS]
        if not candidate:
            continue
        # answer-like: starts like math or is short ("x = 5", "therefore 12"), and holds math or parses
        shaped = re.match(r"[-+\d$\\(\[{]", candidate) or len(candidate.split()) <= 5
        if shaped and (re.search(r"[\d\\$]", candidate) or _parse(_wrap(candidate))):
            return candidate
    return None


def last_number(text: str) -> str | None:
    numbers = _NUMBER_IN_TEXT.findall(text)
    return numbers[-1] if numbers else None


def extract_answer(text: str) -> tuple[str, str]:
    """(extracted answer, method); ("", "none") when the text holds no answer."""
    for method, finder in (("boxed", boxed_answer), ("marker", marker_answer), ("last_number", last_number)):
        found = finder(text)
        if found:
            return found, method
    return "", "none"


def answer_or_last_paragraph(answer_text: Any, reasoning: Any) -> str:
    """The answer part when there is one, else the last paragraph of the reasoning (e.g. a truncated trace)."""
    if isinstance(answer_text, str) and answer_text.strip():
        return answer_text
    if not isinstance(reasoning, str) or not reasoning.strip():
        return ""
    paragraphs = [p for p in re.split(r"\n\s*\n", reasoning) if p.strip()]
    return paragraphs[-1].strip() if paragraphs else ""


# ----------------------------------------------------------------------------------------------------------------
# Comparison

_PLAIN_NUMBER = re.compile(r"[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)")
_PLAIN_FRACTION = re.compile(r"([+-]?\d+)/(\d+)")
_OPEN = re.compile(r"^(?:\$\$?|\\\(|\\\[)")
_CLOSE = re.compile(r"(?:\$\$?|\\\)|\\\])$")


def _strip_math(text: str) -> str:
    text = text.strip()
    while True:
        stripped = _CLOSE.sub("", _OPEN.sub("", text).strip()).strip()
        if stripped == text:
            break
        text = stripped
    text = text.replace("\\$", "").replace("\\!", "").replace("{,}", ",")
    return text.strip().rstrip(".").strip()


def as_number(text: str) -> Fraction | None:
    """The exact value of a plain number ("7", "-0.50", "1,234", "3/4", "$7$"), else None."""
    plain = _strip_math(text).replace(" ", "")
    if _PLAIN_NUMBER.fullmatch(plain):
        return Fraction(plain.replace(",", ""))
    fraction = _PLAIN_FRACTION.fullmatch(plain)
    if fraction and int(fraction.group(2)) != 0:
        return Fraction(int(fraction.group(1)), int(fraction.group(2)))
    return None


def normalise_text(text: str) -> str:
    """Light LaTeX normalisation for a last, exact text comparison."""
    text = _strip_math(text)
    text = re.sub(r"\\(?:left|right)(?![A-Za-z])", "", text)
    text = re.sub(r"\\[dt]frac", r"\\frac", text)
    text = re.sub(r"\\(?:text|textbf|textrm|mathrm|mathbf|mbox)\s*\{([^{}]*)\}", r"\1", text)
    text = text.replace("^\\circ", "").replace("^{\\circ}", "")
    text = re.sub(r"\\[ ,;:!]|\s+", "", text)
    return text.rstrip(".")


def _wrap(text: str) -> str:
    """LaTeX for math-verify: wrapped in `$…$` unless it already carries math delimiters."""
    if re.search(r"(?<!\\)\$|\\\(|\\\[", text):
        return text
    return f"${text}$"


_RISKY_TEXT = [
    re.compile(r"\^\s*\{?\s*[\d.]+\s*\}?\s*\^"),  # 2^3^4
    re.compile(r"\^\s*\{\s*[^{}]*\d[^{}]*\^"),  # 2^{10^{10}}, 2^{3 \cdot 10^{5}}
    re.compile(r"\^\s*\{?\s*-?\d{5,}"),  # 2^{100000}
    re.compile(r"\d{4,}\s*!"),  # 10000!
    re.compile(r"(?:binom|choose).*(?:\d{4,}|\^)", re.DOTALL),
    re.compile(r"\\(?:sum|prod).*\d{5,}", re.DOTALL),
    re.compile(r"[)}]\s*!.*\^|\^.*[)}]\s*!", re.DOTALL),  # (10^{100})!
]


def _risky_text(text: str) -> bool:
    return len(text) > MAX_PARSE_CHARS or any(p.search(text) for p in _RISKY_TEXT)


def _size_digits(expr: Any, depth: int = 0) -> float:
    """An upper bound on the number of digits sympy could produce evaluating `expr` (inf when enormous)."""
    import sympy
    from sympy.functions.combinatorial.factorials import factorial, factorial2, subfactorial

    if depth > 200:
        return math.inf
    if isinstance(expr, sympy.MatrixBase):
        return max((_size_digits(e, depth + 1) for e in expr), default=0.0)
    if isinstance(expr, sympy.Rational):
        return max(abs(expr.p).bit_length(), expr.q.bit_length()) * 0.30103 + 1
    if not isinstance(expr, sympy.Basic) or not expr.args:
        return 1.0
    if isinstance(expr, sympy.Pow):
        base, exponent = (_size_digits(a, depth + 1) for a in expr.args)
        if exponent > 7:
            return math.inf
        return max(base, 1.0) * 10 ** exponent
    if isinstance(expr, (factorial, factorial2, subfactorial, sympy.gamma, sympy.binomial)):
        size = max(_size_digits(a, depth + 1) for a in expr.args)
        return math.inf if size > 5 else 10 ** size * size
    if isinstance(expr, (sympy.Sum, sympy.Product)):
        body = _size_digits(expr.function, depth + 1)
        for limit in expr.limits:
            span = max((_size_digits(x, depth + 1) for x in limit[1:]), default=0.0)
            if span > 5:
                return math.inf
            body = body * 10 ** span if isinstance(expr, sympy.Product) else body + span
        return body
    return sum(_size_digits(a, depth + 1) for a in expr.args) + 1


def _too_big(parsed: list[Any]) -> bool:
    try:
        return any(_size_digits(item) > MAX_DIGITS for item in parsed if not isinstance(item, str))
    except (RecursionError, TypeError, ValueError, AttributeError):
        return True


class _DropTimeoutNotice(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Timeout is disabled")


_NOTICE_FILTER = _DropTimeoutNotice()


@lru_cache(maxsize=8192)
def _parse_cached(text: str) -> tuple[Any, ...]:
    from math_verify import parse

    for name in ("math_verify.parser", "math_verify.grader"):
        logger = logging.getLogger(name)
        if _NOTICE_FILTER not in logger.filters:
            logger.addFilter(_NOTICE_FILTER)
    try:
        return tuple(parse(text, parsing_timeout=None))
    except Exception:  # noqa: BLE001 -- an unparseable answer is a wrong answer, not a crash
        return ()


def _parse(text: str) -> list[Any]:
    if _risky_text(text):
        return []
    return list(_parse_cached(text))


def _verify(gold: list[Any], pred: list[Any]) -> bool:
    from math_verify import verify

    try:
        return bool(verify(gold, pred, timeout_seconds=None))
    except Exception:  # noqa: BLE001
        return False


def answers_equal(extracted: str, gold: str) -> bool:
    gold_number, number = as_number(gold), as_number(extracted)
    if gold_number is not None and number is not None:
        return gold_number == number
    if normalise_text(extracted) == normalise_text(gold):
        return True
    gold_parsed, parsed = _parse(_wrap(gold)), _parse(_wrap(extracted))
    if not gold_parsed or not parsed or _too_big(gold_parsed) or _too_big(parsed):
        return False
    return _verify(gold_parsed, parsed)


def grade_answer(answer_text: str, gold: str) -> Grade:
    """Extract the final answer from `answer_text` and compare it with `gold`. Safe to call from threads."""
    text = answer_text if isinstance(answer_text, str) else ""
    gold = gold.strip() if isinstance(gold, str) else ""
    extracted, method = extract_answer(text)
    if method == "none" or not gold:
        return Grade(False, extracted, method)
    return Grade(answers_equal(extracted, gold), extracted, method)
