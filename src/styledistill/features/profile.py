"""The style profile: what typical (correct) traces look like, and a plain-English brief a prompt can embed."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pandas as pd
import pyarrow as pa

from styledistill.features.lexicon import PIVOT_TYPES
from styledistill.features.pivots import decode_spans
from styledistill.features.stages import LETTER, STAGES
from styledistill.features.spec import FeatureSpec
from styledistill.records import RECORDS

# Every integer or float column of the features record except the sample index.
NUMERIC_FEATURES: tuple[str, ...] = tuple(
    name
    for name, dtype, _ in RECORDS["features"]
    if name != "sample" and (pa.types.is_integer(dtype) or pa.types.is_floating(dtype))
)
TOP_PHRASES = 5
# The brief leaves out pivot types rarer than this (share of traces) and calls those below OFTEN "occasional".
RARE, OFTEN = 0.1, 0.5


def _num(value: float) -> float:
    return round(float(value), 4)


def _quartiles(values: pd.Series) -> dict[str, float | None]:
    values = pd.to_numeric(values, errors="coerce").dropna()
    if values.empty:
        return {"median": None, "q1": None, "q3": None}
    q1, median, q3 = values.quantile([0.25, 0.5, 0.75])
    return {"median": _num(median), "q1": _num(q1), "q3": _num(q3)}


def _share(mask: pd.Series) -> float:
    return _num(mask.mean()) if len(mask) else 0.0


def build(features: pd.DataFrame, spec: FeatureSpec) -> dict[str, Any]:
    """The profile of the correct traces in a features table (of all traces when none is correct)."""
    correct = features["correct"].eq(True).fillna(False).astype(bool)
    source = "correct" if correct.any() else "all"
    rows = features[correct] if correct.any() else features
    phrases: dict[str, Counter[str]] = {kind: Counter() for kind in PIVOT_TYPES}
    for spans in decode_spans(rows["pivot_spans"]):
        for _, _, kind, phrase in spans:
            phrases[kind][phrase] += 1
    coverage = pd.to_numeric(rows["pivot_types"])
    profile: dict[str, Any] = {
        "source": source,
        "n_traces": len(rows),
        "n_input_traces": len(features),
        "n_correct": int(correct.sum()),
        "min_types": spec.min_types,
        "spacy_model": spec.spacy_model,
        "lexicon": {kind: list(spec.lexicon[kind]) for kind in PIVOT_TYPES},
        "features": {name: _quartiles(rows[name]) for name in NUMERIC_FEATURES},
        "pivots": {
            kind: {
                "share_of_traces": _share(pd.to_numeric(rows[f"{kind}_count"]) > 0),
                "per_1k_tokens_median": _quartiles(rows[f"{kind}_per_1k"])["median"],
                "top_phrases": [p for p, _ in sorted(phrases[kind].items(), key=lambda kv: (-kv[1], kv[0]))][
                    :TOP_PHRASES
                ],
            }
            for kind in PIVOT_TYPES
        },
        "coverage": {
            "mean": _num(coverage.mean()) if len(coverage) else None,
            "share_min_types": _share(rows["has_min_types"].eq(True)),
            "share_by_types": {str(n): _share(coverage == n) for n in range(len(PIVOT_TYPES) + 1)},
        },
        "stages": _stages(rows),
    }
    profile["brief"] = describe(profile)
    return profile


def _stages(rows: pd.DataFrame) -> dict[str, Any]:
    """Median share of the tokens per stage (the medians need not add up to 1) and the most common stage order."""
    orders = Counter(order for order in rows["stage_order"] if isinstance(order, str) and order)
    # the most common order; ties go to the shorter, then alphabetically first, order
    typical = min(orders.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))[0] if orders else None
    return {
        "share_median": {stage: _quartiles(rows[f"stage_{stage}"])["median"] for stage in STAGES},
        "typical_order": typical,
        "typical_order_share": _num(orders[typical] / len(rows)) if typical else None,
        "orders": len(orders),
    }


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
    return (profile.get("features", {}).get(name) or {}).get("median")


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
