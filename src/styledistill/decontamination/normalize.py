"""Problem text as the contamination checks compare it: figures and markup out, spellings made one, numbers written
one way, then words and numbers as tokens, sentence by sentence.

Two copies of a problem that differ in case, spacing, LaTeX spelling (`\\dfrac`/`\\frac`, `\\left(`/`(`, `\\!`),
dollar signs, thousands separators or trailing zeros give the same tokens.
"""

from __future__ import annotations

import re

FIGURES = re.compile(r"\[asy\].*?\[/asy\]|\\begin\{tikzpicture\}.*?\\end\{tikzpicture\}", re.IGNORECASE | re.DOTALL)
_SPELLINGS = [
    (re.compile(r"\\[dt]frac\b"), r"\\frac"),
    (re.compile(r"\\(?:left|right|big|Big|bigg|Bigg)(?![a-zA-Z])"), ""),
    (re.compile(r"\\(?:text|textbf|textit|mathrm|mathbf|mbox|operatorname)\s*\{"), "{"),
    (re.compile(r"\\[,;:! ]|\\q?quad\b|~"), " "),
]
_THOUSANDS = re.compile(r"(?<![\d.])(\d{1,3})((?:,\d{3})+)(?![\d,]*\d)")
_TRAILING_ZEROS = re.compile(r"(\d)\.(\d*?)0+(?!\d)")
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+|\n\s*\n")
_TOKEN = re.compile(r"[a-z]+|\d+(?:\.\d+)?|[-+*/=<>^×÷]")


def _numbers(text: str) -> str:
    text = _THOUSANDS.sub(lambda m: m.group(1) + m.group(2).replace(",", ""), text)
    return _TRAILING_ZEROS.sub(lambda m: m.group(1) + ("." + m.group(2) if m.group(2) else ""), text)


def clean(text: str) -> str:
    """The text without figures, in one LaTeX spelling, lower case, numbers in one format."""
    text = FIGURES.sub(" ", text or "")
    for pattern, replacement in _SPELLINGS:
        text = pattern.sub(replacement, text)
    return _numbers(text.replace("\u2019", "'").replace("\u2212", "-").lower())


def tokens(text: str) -> list[str]:
    """Words, numbers and operators of already cleaned text (markup and punctuation are not tokens)."""
    return _TOKEN.findall(text)


def sentences(text: str) -> list[tuple[str, ...]]:
    """The tokens of each sentence of a problem (sentences without tokens left out)."""
    out = []
    for part in _SENTENCE_END.split(clean(text)):
        words = tuple(tokens(part))
        if words:
            out.append(words)
    return out


def key(text: str) -> str:
    """A problem's normalised form: the same for copies that differ only in what `clean` removes."""
    return " ".join(word for sentence in sentences(text) for word in sentence)
