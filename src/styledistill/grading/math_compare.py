"""Are two math answers equal? Exact numbers first, then normalised text, then math-verify.

An exact comparison when both answers are plain numbers ("7" = "7.0" = "$7$", "17" != "7"); otherwise equal
normalised text; otherwise math-verify (`parse`/`verify`), with the gold wrapped in `$…$` so LaTeX parses.
math-verify's own timeouts use signals, which fail outside the main thread, so they are off here and the work is
bounded by this module instead: answers longer than `MAX_PARSE_CHARS`, or whose text or parsed form would make sympy
evaluate enormous numbers (power towers, huge factorials, binomials, sums and products), are compared as text only.
`grading.pool` adds a per-answer time limit on top.
"""

from __future__ import annotations

import logging
import math
import re
from functools import lru_cache
from typing import Any

from styledistill.grading.numbers import exact_value, strip_math

MAX_PARSE_CHARS = 1000  # longer answers are compared as text only
MAX_DIGITS = 50_000  # parsed values whose size bound exceeds this many digits are never evaluated


def normalise_text(text: str) -> str:
    """Light LaTeX normalisation for a last, exact text comparison (strip_math has removed delimiters and
    \\text{…}-style wrappers)."""
    text = strip_math(text)
    text = re.sub(r"\\(?:left|right)(?![A-Za-z])", "", text)
    text = re.sub(r"\\[dt]frac", r"\\frac", text)
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


def math_equal(extracted: str, gold: str) -> bool:
    gold_number, number = exact_value(gold), exact_value(extracted)
    if gold_number is not None and number is not None:
        return gold_number == number
    if normalise_text(extracted) == normalise_text(gold):
        return True
    gold_parsed, parsed = _parse(_wrap(gold)), _parse(_wrap(extracted))
    if not gold_parsed or not parsed or _too_big(gold_parsed) or _too_big(parsed):
        return False
    return _verify(gold_parsed, parsed)
