"""A plain-English style brief for a generator prompt, derived only from a style profile's numbers and phrases.

The profile is the JSON `extract_features` writes (features/profile.py); this module reads it as data.
"""

from __future__ import annotations

from typing import Any

from styledistill.style.lexicon import PIVOT_TYPES
from styledistill.style.stages import LETTER

# What prompt_fields fills: the placeholders a prompt may take from a style profile.
PROFILE_FIELDS = frozenset({"style", "words", "pivots", "stages"})
# The brief leaves out pivot types rarer than this (share of traces) and calls those below OFTEN "occasional".
RARE, OFTEN = 0.1, 0.5


# How the brief asks for each pivot type.
_MOVES = {
    "realization": "Interrupt yourself to correct course",
    "verification": "Check your work",
    "exploration": "Consider other approaches",
    "integration": "Pull the pieces together",
}


# How the brief names each stage (by its letter in a stage order).
_STAGE_MOVES = {
    LETTER["framing"]: "restate the problem",
    LETTER["exploration"]: "work on it",
    LETTER["verification"]: "check the work",
    LETTER["synthesis"]: "state the conclusion",
}


def _about(x: float) -> str:
    """A round number for prose: 1834 -> 1800, 183 -> 180, 47.4 -> 47, never below 1."""
    if x >= 100:
        digits = len(str(int(x))) - 2
        return f"{int(round(x, -digits)):,}"
    return str(max(1, round(x)))


def _median(profile: dict[str, Any], name: str) -> float | None:
    return ((profile.get("features") or {}).get(name) or {}).get("median")


def _times(count: float | None, share: float) -> str:
    if share < OFTEN or not count:
        return "occasionally"
    if count < 1.5:
        return "about once"
    return f"about {_about(count)} times"


def describe(profile: dict[str, Any]) -> str:
    """A short style brief for a generator prompt, derived only from the profile's numbers and phrases."""
    out = []
    words, steps, per_step = (_median(profile, n) for n in ("words", "steps", "words_per_step"))
    if words:
        line = f"Write about {_about(words)} words of reasoning"
        if steps and steps >= 2:
            line += f" in about {_about(steps)} short paragraphs separated by blank lines"
            if per_step:
                line += f" (about {_about(per_step)} words each)"
        out.append(line + ".")
    moves = 0
    for kind in PIVOT_TYPES:
        pivot = profile.get("pivots", {}).get(kind) or {}
        share, phrases = pivot.get("share_of_traces") or 0.0, pivot.get("top_phrases") or []
        if not phrases or share < RARE:
            continue
        moves += 1
        quoted = ", ".join(f"'{p}'" for p in phrases[:3])
        count = _median(profile, f"{kind}_count")
        out.append(f"{_MOVES[kind]} {_times(count, share)}, with phrases like {quoted}.")
    coverage = profile.get("coverage") or {}
    min_types = profile.get("min_types")
    if moves >= 2 and min_types and (coverage.get("share_min_types") or 0) >= OFTEN:
        out.append(f"Use at least {min(min_types, moves)} of these kinds of moves.")
    first = _median(profile, "first_pivot_pos")
    if moves and first is not None:
        out.append(f"Make the first such move about {max(1, round(100 * first))}% of the way in.")
    order = (profile.get("stages") or {}).get("typical_order")
    if order and ">" in order:
        out.append(f"Shape the reasoning as: {', then '.join(_STAGE_MOVES[letter] for letter in order.split('>'))}.")
    return " ".join(out) if out else "Write a short reasoning trace."


def pivot_list(profile: dict[str, Any]) -> str:
    """One line per pivot type: how often the teacher's traces use it, and its commonest phrases."""
    lines = []
    for kind in PIVOT_TYPES:
        pivot = profile.get("pivots", {}).get(kind) or {}
        share, phrases = pivot.get("share_of_traces") or 0.0, pivot.get("top_phrases") or []
        count = _median(profile, f"{kind}_count") or 0
        examples = ", ".join(f"'{p}'" for p in phrases[:3]) or "none seen"
        lines.append(f"- {_MOVES[kind]} ({kind}): in {round(100 * share)}% of traces, about {_about(count)} "
                     f"per trace if used; e.g. {examples}" if share else f"- {_MOVES[kind]} ({kind}): not used")
    return "\n".join(lines)


def stage_list(profile: dict[str, Any]) -> str:
    """All four stages, in the teacher's typical order (framing, exploration, verification, synthesis by default);
    a stage the modal order leaves out (often verification) is put where the default order has it."""
    typical = (profile.get("stages") or {}).get("typical_order") or ""
    order = [letter for letter in typical.split(">") if letter in _STAGE_MOVES]
    for position, letter in enumerate(LETTER.values()):
        if letter not in order:
            order.insert(min(position, len(order)), letter)
    return ", then ".join(_STAGE_MOVES[letter] for letter in order)


def prompt_fields(profile: dict[str, Any]) -> dict[str, str]:
    """What a generator prompt may take from the style profile: {style}, {words}, {pivots}, {stages}."""
    words = _median(profile, "words")
    return {"style": describe(profile), "words": _about(words) if words else "100", "pivots": pivot_list(profile),
            "stages": stage_list(profile)}
