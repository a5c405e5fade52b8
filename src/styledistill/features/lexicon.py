"""The pivot lexicon: the four pivot types of the paper and the phrases that signal each one."""

from __future__ import annotations

from typing import Any

# Order matters: it is the order of the feature columns and of the style brief.
PIVOT_TYPES: tuple[str, ...] = ("realization", "verification", "exploration", "integration")

# Used when the spec has no `lexicon` key. Phrases match case-insensitively, on word boundaries, and the words of a
# multi-word phrase match across any whitespace (line breaks included).
DEFAULT_LEXICON: dict[str, tuple[str, ...]] = {
    "realization": ("wait", "oh", "actually", "hmm", "I missed"),
    "verification": ("let me check", "to verify", "double-check"),
    "exploration": ("what if", "alternatively", "another way"),
    "integration": ("now I see", "putting this together", "this connects"),
}


def canonical(phrase: str) -> str:
    """The form a phrase is compared and reported in: lower case, single spaces, straight apostrophes."""
    return " ".join(phrase.replace("\u2019", "'").lower().split())


def validate(obj: Any) -> dict[str, tuple[str, ...]]:
    """Check a user lexicon (pivot type -> list of phrases); return it with single-spaced phrases, without phrases
    that repeat one another up to case and spacing (the first spelling is kept, for display). A problem raises
    ValueError (the settings turn it into one line naming the key)."""
    if not isinstance(obj, dict):
        raise ValueError("must be an object mapping pivot types to lists of phrases")
    unknown = sorted(set(obj) - set(PIVOT_TYPES))
    if unknown:
        raise ValueError(f"unknown pivot type(s) {', '.join(unknown)} (expected {', '.join(PIVOT_TYPES)})")
    missing = [kind for kind in PIVOT_TYPES if kind not in obj]
    if missing:
        raise ValueError(f"missing pivot type(s) {', '.join(missing)}")
    owner: dict[str, str] = {}
    out: dict[str, tuple[str, ...]] = {}
    for kind in PIVOT_TYPES:
        phrases = obj[kind]
        if not isinstance(phrases, (list, tuple)) or not phrases:
            raise ValueError(f"{kind}: must be a non-empty list of phrases")
        kept: list[str] = []
        for phrase in phrases:
            if not isinstance(phrase, str) or not phrase.strip():
                raise ValueError(f"{kind}: every phrase must be a non-empty string, got {phrase!r}")
            form = canonical(phrase)
            if owner.get(form, kind) != kind:
                raise ValueError(f"phrase {phrase!r} is listed under both {owner[form]} and {kind}")
            if form not in owner:
                owner[form] = kind
                kept.append(" ".join(phrase.split()))
        out[kind] = tuple(kept)
    return out


def default() -> dict[str, tuple[str, ...]]:
    return validate({kind: list(phrases) for kind, phrases in DEFAULT_LEXICON.items()})
