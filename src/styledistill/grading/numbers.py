"""Exact values of plain numbers written as a model writes them: "7", "-0.50", "1,234", "3/4", "$\\frac{3}{4}$",
"$18", "27.0", "025". Numbers with more than `MAX_DIGITS` digits are never converted to int (Python refuses above
4,300 digits, and the work grows with the length): they are compared by their canonical digits instead."""

from __future__ import annotations

import re
from fractions import Fraction

MAX_DIGITS = 1_000

_OPEN = re.compile(r"^(?:\$\$?|\\\(|\\\[)")
_CLOSE = re.compile(r"(?:\$\$?|\\\)|\\\])$")
# \text{…}-style wrappers, with one level of braces inside: \mathbf{\frac{1}{2}}
TEXT_WRAPPER = re.compile(r"\\(?:text|textbf|textrm|mathrm|mathbf|mbox|boxed)\s*\{((?:[^{}]|\{[^{}]*\})*)\}")
_DECIMAL = re.compile(r"([+-]?)((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)")
_FRACTION = re.compile(r"([+-]?)(\d+)/(\d+)")
_LATEX_FRACTION = re.compile(r"([+-]?)\\[dt]?frac\{(\d+)\}\{(\d+)\}")

Value = Fraction | str  # a str is the canonical form of a number too long to convert


def strip_math(text: str) -> str:
    """The text without math delimiters, `\\text{…}`-style wrappers, thin spaces and a final full stop."""
    text = text.strip()
    while True:
        stripped = _CLOSE.sub("", _OPEN.sub("", text).strip()).strip()
        stripped = TEXT_WRAPPER.sub(r"\1", stripped)
        if stripped == text:
            break
        text = stripped
    text = text.replace("\\$", "").replace("\\!", "").replace("{,}", ",").replace("−", "-")
    return text.strip().rstrip(".").strip()


def _decimal(sign: str, body: str) -> Value:
    whole, _, fraction = body.replace(",", "").partition(".")
    whole, fraction = whole.lstrip("0"), fraction.rstrip("0")
    if len(whole) + len(fraction) <= MAX_DIGITS:
        return Fraction(f"{sign}{whole or '0'}.{fraction or '0'}")
    return f"{'-' if sign == '-' else ''}{whole or '0'}.{fraction}"


def _ratio(sign: str, numerator: str, denominator: str) -> Value | None:
    if len(numerator) + len(denominator) <= MAX_DIGITS:
        if int(denominator) == 0:
            return None
        value = Fraction(int(numerator), int(denominator))
        return -value if sign == "-" else value
    return f"{'-' if sign == '-' else ''}{numerator.lstrip('0') or '0'}/{denominator.lstrip('0') or '0'}"


def exact_value(text: str, *, currency: bool = False, percent: bool = False) -> Value | None:
    """The value of a plain number, else None. `currency` also reads a leading currency sign ("$18", "\\$18",
    "USD18"); `percent` reads "25%" as 25."""
    plain = strip_math(text).replace(" ", "").replace("\\,", "")
    if currency:
        plain = re.sub(r"^([+-]?)(?:\$|\\\$|USD|US\$)", r"\1", plain)
    if percent:
        plain = re.sub(r"\\?%$", "", plain)
    for pattern, build in ((_DECIMAL, _decimal), (_FRACTION, _ratio), (_LATEX_FRACTION, _ratio)):
        match = pattern.fullmatch(plain)
        if match:
            return build(*match.groups())
    return None


def is_integer(value: Value) -> bool:
    if isinstance(value, Fraction):
        return value.denominator == 1
    return "/" not in value and value.endswith(".")
