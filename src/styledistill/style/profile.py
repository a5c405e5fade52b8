"""The style profile: what typical (correct) traces look like, as numbers and phrases (JSON)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pandas as pd
import pyarrow as pa

from styledistill.records import RECORDS
from styledistill.style.lexicon import PIVOT_TYPES
from styledistill.style.pivots import decode_spans
from styledistill.style.settings import MeasureSettings
from styledistill.style.stages import STAGES

# Every integer or float column of the features record except the sample index.
NUMERIC_FEATURES: tuple[str, ...] = tuple(
    name
    for name, dtype, _ in RECORDS["features"]
    if name != "sample" and (pa.types.is_integer(dtype) or pa.types.is_floating(dtype))
)
TOP_PHRASES = 5


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


def build(features: pd.DataFrame, spec: MeasureSettings) -> dict[str, Any]:
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
        "position_rules": {phrase: list(rules) for phrase, rules in spec.position_rules.items()},
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
