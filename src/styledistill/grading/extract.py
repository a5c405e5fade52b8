"""Find the final answer in a model's output, in time linear in the output.

Every finder reads only the output's last `TAIL_CHARS` characters (the final answer is at the end; a looping
64 KB output costs no more than an 8 KB one), matches each brace once, and looks at a bounded window after each
answer marker. A finder returns None when the text holds no answer of its kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TAIL_CHARS = 8_000
MARKER_WINDOW = 600  # characters read after an answer marker
MAX_MARKERS = 20  # markers tried, from the last
MAX_ANSWER_CHARS = 300
MATH_SPAN_CHARS = 400  # a `$…$` longer than this is not one answer


@dataclass(frozen=True)
class Extraction:
    answer: str  # "" when nothing was found
    method: str  # how it was found (boxed, marker, last_math, last_number, letter, option_text, none)


NOTHING = Extraction("", "none")


def tail(text: object) -> str:
    """The last `TAIL_CHARS` characters; a cut inside a word or number moves past it, so no part of one is read."""
    if not isinstance(text, str):
        return ""
    if len(text) <= TAIL_CHARS:
        return text
    cut = len(text) - TAIL_CHARS
    while cut < len(text) and text[cut - 1].isalnum() and text[cut].isalnum():
        cut += 1
    return text[cut:]


def last_paragraph(text: str) -> str:
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    return paragraphs[-1].strip() if paragraphs else ""


def graded_part(answer_text: object, reasoning: object) -> str:
    """What is graded: the answer part, or, when it is empty (a truncated output), the reasoning's last paragraph."""
    if isinstance(answer_text, str) and answer_text.strip():
        return tail(answer_text)
    return last_paragraph(tail(reasoning))


# ----------------------------------------------------------------------------------------------------------------
# \boxed{…}

_BOX = re.compile(r"\\(?:boxed|fbox)(?![A-Za-z])")
_BARE_BOX = re.compile(r"[ \t]+([^\s${}\\]+)")  # `\boxed 5`


def closing_braces(text: str) -> dict[int, int]:
    """Index of each `{` -> index of the `}` closing it (unclosed braces are absent); `\\{` and `\\}` are text."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == "{":
            stack.append(i)
        elif char == "}" and stack:
            pairs[stack.pop()] = i
        i += 1
    return pairs


def boxes(text: str) -> list[tuple[int, int, str]]:
    """(start, end, content) of every closed, non-empty `\\boxed{…}` / `\\fbox{…}` / `\\boxed 5`, in order."""
    found = []
    pairs = None
    for match in _BOX.finditer(text):
        j = match.end()
        while j < len(text) and text[j] in " \t\n":
            j += 1
        if j < len(text) and text[j] == "{":
            pairs = closing_braces(text) if pairs is None else pairs
            if j in pairs and text[j + 1:pairs[j]].strip():
                found.append((match.start(), pairs[j] + 1, text[j + 1:pairs[j]].strip()))
        else:
            bare = _BARE_BOX.match(text, match.end())
            if bare:
                found.append((match.start(), bare.end(), bare.group(1)))
    return found


_LIST_SEPARATOR = re.compile(r"[\s$]*(?:,|;|\band\b|\bor\b)?[\s$]*")


def boxed(text: str) -> str | None:
    """The last box. Boxes joined only by list words (`\\boxed{2} and \\boxed{5}`, `\\boxed{3} or \\boxed{5}`) are
    one answer, a list ("2, 5"), which a hedge between two values is not equal to."""
    found = boxes(text)
    if not found:
        return None
    contents = [found[-1][2]]
    for (_, end, content), (next_start, _, _) in zip(reversed(found[:-1]), reversed(found[1:])):
        between = text[end:next_start]
        if len(between) > 40 or not _LIST_SEPARATOR.fullmatch(between):
            break
        if content not in contents:
            contents.insert(0, content)
    return ", ".join(contents)


# ----------------------------------------------------------------------------------------------------------------
# "The answer is …"

_MARKER = re.compile(
    r"(?:\banswer\b[ \t]*\**[ \t]*(?:is\b|:|=)|^[ \t]*#{4}(?!#))[ \t]*\**[ \t]*:?", re.IGNORECASE | re.MULTILINE)
_MATH_SPAN = re.compile((  # `\$` inside a span is an escaped dollar, not its end
    r"\$\$(?P<d>(?:\\.|[^$\\]){1,<N>})\$\$|\$(?P<i>(?:\\.|[^$\\]){1,<N>})\$|\\\((?P<p>.{1,<N>}?)\\\)"
    r"|\\\[(?P<b>.{1,<N>}?)\\\]").replace("<N>", str(MATH_SPAN_CHARS)), re.DOTALL)
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?(?:/\d+)?"  # 12, 1,234, 0.5, 3/4
_NUMBER = re.compile(r"(?<![\w.])[-−]?\$?" + _DIGITS + r"(?![\w/])")
_VALUE = re.compile(r"[-−]?\\[dt]?frac\{[^{}]{1,40}\}\{[^{}]{1,40}\}|" + _NUMBER.pattern)  # a bare \frac{14}{3} is one
# "42 apples", "7, since 3 + 4 = 7": a number, then words (two letters or more, so "3 x + 2" stays whole)
_NUMBER_THEN_WORDS = re.compile(r"([-−+]?\$?" + _DIGITS + r"%?)[,;]?\s+[A-Za-z]{2,}.*", re.DOTALL)


_FILLER = re.compile(r"^(?:therefore|thus|hence|so|then|simply|just)\b[\s,:]*", re.IGNORECASE)


def _span_text(match: re.Match[str]) -> str:
    return next(group for group in match.group("d", "i", "p", "b") if group is not None).strip()


def _trim(text: str) -> str:
    text = text.strip().strip("*").strip()
    text = re.sub(r"^(?::|[–—]\s|[-*•]\s)\s*", "", text)  # a separator or a bullet; "-5" keeps its minus sign
    text = _FILLER.sub("", text)
    text = text.rstrip(" \t\n*")
    text = text[:-1] if text.endswith((".", "。")) else text
    return text.rstrip(" \t\n*").strip()


_HEDGE = re.compile(r"^[\s,;]*(?:\d|(?:or|and|if|to|plus|minus|times|otherwise)\b)", re.IGNORECASE)
_PROSE = re.compile(r"(?<!\\)\b[A-Za-z]{2,}\b(?![^{]*\})")  # a word outside \text{…}-style braces


def _leading_value(candidate: str) -> str:
    """The answer at the start of a marker's text: its first math span, or a number before trailing words. A `$`
    that opens prose ("$18, which is $2 more") is a currency sign; a number followed by another number or by
    "or"/"if" ("5 or 6", "12 if n is even") is a hedge and stays whole, so it equals no single gold answer."""
    span = _MATH_SPAN.match(candidate)
    if span and not (candidate[1:2].isdigit() and _PROSE.search(_span_text(span))):
        return _span_text(span)
    words = _NUMBER_THEN_WORDS.fullmatch(candidate)
    if words and not _HEDGE.search(candidate[words.end(1):]):
        return words.group(1)
    return candidate


def marker(text: str, *, needs_digit: bool = False) -> str | None:
    """The answer after the last answer marker ("Answer:", "The answer is", "####") followed by something
    answer-like (with a digit in it, when `needs_digit`: numeric graders skip "the answer: add them")."""
    markers = list(_MARKER.finditer(text))[-MAX_MARKERS:]
    for match in reversed(markers):
        line_end = text.find("\n", match.end())
        end = len(text) if line_end < 0 else line_end
        # the rest of the marker's line (a long number stays whole), at least MARKER_WINDOW characters
        window = text[match.end():max(end, match.end() + MARKER_WINDOW)].lstrip(" \t*:")
        first = next((line for line in window.split("\n") if line.strip()), "")
        if first and not re.search(r"[0-9A-Za-z]", first):
            # a display delimiter on its own line (`\[`, `$$`): take the paragraph
            first = re.split(r"\n\s*\n", window.strip(), maxsplit=1)[0]
        first = re.split(r"\.\s+(?=[A-Z])", first, maxsplit=1)[0]  # "$5$. I hope it is correct."
        candidate = _leading_value(_trim(first))
        if not _NUMBER.fullmatch(candidate):
            candidate = candidate[:MAX_ANSWER_CHARS]
        if needs_digit and not re.search(r"\d", candidate):
            continue
        if candidate and (re.match(r"[-−+\d$\\(\[{]", candidate) or len(candidate.split()) <= 5):
            if re.search(r"[\dA-Za-z\\]", candidate):
                return candidate
    return None


# ----------------------------------------------------------------------------------------------------------------
# The last value written

def last_number(text: str) -> str | None:
    """The last number (integers, decimals, 1,234 grouping, a/b, a leading minus or $)."""
    numbers = _NUMBER.findall(text)
    return numbers[-1] if numbers else None


def _last_value(text: str) -> str | None:
    """The last number or bare LaTeX fraction (never the 3 of a \\frac{14}{3}) outside any unclosed brace: a value
    inside a `{` that never closes belongs to a cut-off or garbled expression, not to a stated answer."""
    values = list(_VALUE.finditer(text))
    if not values:
        return None
    first_unclosed = _first_unclosed(text)
    for value in reversed(values):
        if value.start() < first_unclosed:
            return value.group()
    return None


def _first_unclosed(text: str) -> int:
    """Where the first `{` that never closes is (len(text) when every brace closes)."""
    pairs = closing_braces(text)
    return next((i for i, char in enumerate(text) if char == "{" and (i == 0 or text[i - 1] != "\\")
                 and i not in pairs), len(text))


def last_math(text: str) -> tuple[str, str] | None:
    """(value, method): the last math span or bare number, whichever ends last. Numbers inside a math span are part
    of it, so `$\\frac{14}{3}$` is read whole, never as its 3."""
    spans = list(_MATH_SPAN.finditer(text))
    last_span = spans[-1] if spans else None
    after = text[last_span.end():] if last_span else text
    number = _last_value(after)
    if number is not None:
        return number, "last_number"
    if last_span is not None:
        return _span_text(last_span), "last_math"
    return None
