"""Find pivot phrases in a text: case-insensitive, whole words, multi-word phrases across any whitespace."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from styledistill.style.lexicon import PIVOT_TYPES, canonical
from styledistill.style.phrases import compile_phrases


@dataclass(frozen=True)
class Pivot:
    start: int  # character offsets in the text
    end: int
    kind: str  # one of PIVOT_TYPES
    phrase: str  # the lexicon phrase that matched, as spelled in the lexicon


# What may stand right before a phrase that opens a sentence or clause (spaces, quotes and emphasis skipped):
# nothing, a line break, or one of these.
_OPENERS = frozenset(".!?;:,-\u2013\u2014(\n")
_SKIPPED = " \t\"'*_\u201c\u2018"


def opens(text: str, start: int) -> bool:
    """Does the phrase at `start` open a sentence or clause?"""
    i = start - 1
    while i >= 0 and text[i] in _SKIPPED:
        i -= 1
    return i < 0 or text[i] in _OPENERS


def comma_follows(text: str, end: int) -> bool:
    i = end
    while i < len(text) and text[i] in " \t":
        i += 1
    return i < len(text) and text[i] == ","


RULES = {"opens": lambda text, start, end: opens(text, start),
         "comma": lambda text, start, end: comma_follows(text, end)}


class PivotMatcher:
    """One regex over all phrases (a trie: features.phrases); at each position the longest phrase wins, matches
    never overlap. "oh" does not match inside "though", "wait" not inside "awaited" or "waits". A phrase with
    position rules counts only where it meets them all ("Actually, that's wrong", not "they actually paid")."""

    def __init__(self, lexicon: dict[str, tuple[str, ...]], rules: dict[str, tuple[str, ...]] | None = None):
        # canonical form -> (type, phrase as spelled in the lexicon)
        self.entry = {canonical(phrase): (kind, phrase) for kind in PIVOT_TYPES for phrase in lexicon[kind]}
        self.regex = compile_phrases(self.entry)
        self.rules = {form: [RULES[name] for name in names] for form, names in (rules or {}).items()}

    def find(self, text: str) -> list[Pivot]:
        out = []
        entry, rules = self.entry, self.rules
        for match in self.regex.finditer(text):
            found = match.group()
            form = found if found in entry else canonical(found)
            start, end = match.start(), match.end()
            if form in rules and not all(rule(text, start, end) for rule in rules[form]):
                continue
            kind, phrase = entry[form]
            out.append(Pivot(start, end, kind, phrase))
        return out


def decode_spans(values: Iterable[str | None]) -> Iterator[list[list]]:
    """Decode a `pivot_spans` column: per trace a list of [start, end, type, phrase]."""
    for value in values:
        yield json.loads(value) if isinstance(value, str) and value else []
