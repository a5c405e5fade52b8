"""Find pivot phrases in a text: case-insensitive, whole words, multi-word phrases across any whitespace."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from styledistill.features.lexicon import PIVOT_TYPES, canonical


@dataclass(frozen=True)
class Pivot:
    start: int  # character offsets in the text
    end: int
    kind: str  # one of PIVOT_TYPES
    phrase: str  # the lexicon phrase that matched, as spelled in the lexicon


def _pattern(phrase: str) -> str:
    words = [re.escape(word).replace("'", "['\u2019]") for word in phrase.split()]
    return r"\s+".join(words)


class PivotMatcher:
    """One compiled alternation over all phrases; at each position the longest phrase wins, matches never overlap."""

    def __init__(self, lexicon: dict[str, tuple[str, ...]]):
        # one named group per phrase, longest first; the group that matched names the phrase
        entries = sorted(
            ((kind, phrase) for kind in PIVOT_TYPES for phrase in lexicon[kind]),
            key=lambda entry: (-len(canonical(entry[1])), canonical(entry[1])),
        )
        self.entry = {f"p{i}": entry for i, entry in enumerate(entries)}
        alternation = "|".join(f"(?P<{name}>{_pattern(phrase)})" for name, (_, phrase) in self.entry.items())
        # (?<!\w) and (?!\w): "oh" does not match inside "though", "wait" not inside "awaited" or "waits".
        self.regex = re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE)

    def find(self, text: str) -> list[Pivot]:
        out = []
        for match in self.regex.finditer(text):
            kind, phrase = self.entry[match.lastgroup]
            out.append(Pivot(match.start(), match.end(), kind, phrase))
        return out


def decode_spans(values: Iterable[str | None]) -> Iterator[list[list]]:
    """Decode a `pivot_spans` column: per trace a list of [start, end, type, phrase]."""
    for value in values:
        yield json.loads(value) if isinstance(value, str) and value else []
