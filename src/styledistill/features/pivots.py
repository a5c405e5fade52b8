"""Find pivot phrases in a text: case-insensitive, whole words, multi-word phrases across any whitespace."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from styledistill.features.lexicon import PIVOT_TYPES, canonical
from styledistill.features.phrases import compile_phrases


@dataclass(frozen=True)
class Pivot:
    start: int  # character offsets in the text
    end: int
    kind: str  # one of PIVOT_TYPES
    phrase: str  # the lexicon phrase that matched, as spelled in the lexicon


class PivotMatcher:
    """One regex over all phrases (a trie: features.phrases); at each position the longest phrase wins, matches
    never overlap. "oh" does not match inside "though", "wait" not inside "awaited" or "waits"."""

    def __init__(self, lexicon: dict[str, tuple[str, ...]]):
        # canonical form -> (type, phrase as spelled in the lexicon)
        self.entry = {canonical(phrase): (kind, phrase) for kind in PIVOT_TYPES for phrase in lexicon[kind]}
        self.regex = compile_phrases(self.entry)

    def find(self, text: str) -> list[Pivot]:
        out = []
        entry = self.entry
        for match in self.regex.finditer(text):
            found = match.group()
            kind, phrase = entry.get(found) or entry[canonical(found)]
            out.append(Pivot(match.start(), match.end(), kind, phrase))
        return out


def decode_spans(values: Iterable[str | None]) -> Iterator[list[list]]:
    """Decode a `pivot_spans` column: per trace a list of [start, end, type, phrase]."""
    for value in values:
        yield json.loads(value) if isinstance(value, str) and value else []
