"""Compile a list of phrases into one fast regex: case-insensitive, whole words, words across any whitespace.

The phrases are merged into a trie, so at each position of the text the regex follows one branch per character
instead of trying every phrase in turn (Python's `re` does not do this for a plain alternation). Longer phrases are
preferred where both match ("double check" over "check"); a match is mapped back to its phrase with `canonical`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from styledistill.style.lexicon import canonical

_END = ""


def _char(ch: str) -> str:
    if ch == " ":
        return r"\s+"
    if ch == "'":
        return "['\u2019]"
    return re.escape(ch)


def _build(node: dict) -> str:
    branches = [_char(ch) + _build(child) for ch, child in sorted(node.items()) if ch != _END]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if _END in node else body  # where a phrase ends, the longer ones are optional


class PhraseRegex:
    """Finds the phrases in a text. The text is lower-cased and matched case-sensitively (twice as fast as
    re.IGNORECASE) when lower-casing keeps every character one character, so offsets stay valid; otherwise the
    case-insensitive regex runs on the text itself. Matched text is lower-case in the first case."""

    def __init__(self, pattern: str):
        self.exact = re.compile(pattern)
        self.folded = re.compile(pattern, re.IGNORECASE)

    def _pick(self, text: str) -> tuple[re.Pattern[str], str]:
        lowered = text.lower()
        return (self.exact, lowered) if len(lowered) == len(text) else (self.folded, text)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        regex, subject = self._pick(text)
        return regex.finditer(subject)

    def search(self, text: str) -> re.Match[str] | None:
        regex, subject = self._pick(text)
        return regex.search(subject)


def compile_phrases(phrases: Iterable[str]) -> PhraseRegex:
    """One regex matching any of `phrases` (compared in their canonical form) as whole words."""
    trie: dict = {}
    for phrase in {canonical(p) for p in phrases if p.strip()}:
        node = trie
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[_END] = {}
    return PhraseRegex(rf"(?<!\w){_build(trie) or '(?!)'}(?!\w)")
