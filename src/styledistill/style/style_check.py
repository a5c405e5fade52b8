"""The style check: how far each trace's features sit from a style profile, and whether that is close enough.

One function for every stage that asks "is this in the teacher's style?": the synthetic variants accept or reject a
generated trace with it, and the same distance measures how far a student's outputs moved toward the teacher.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from styledistill.style.extract import extract
from styledistill.style.settings import MeasureSettings, StyleCheck

IQR_TO_SD = 1.349  # the IQR of a normal sample, in standard deviations


def profile_settings(profile: dict[str, Any]) -> MeasureSettings:
    """The feature settings a profile was measured with (lexicon, spaCy pipeline, coverage threshold), so traces
    are measured against it the same way."""
    measured = {"lexicon": profile["lexicon"], "position_rules": profile.get("position_rules") or {},
                "spacy_model": profile["spacy_model"], "min_types": profile["min_types"]}
    return MeasureSettings.from_spec(measured, "style profile")


def _scaled(values: Any, name: str, check: StyleCheck) -> Any:
    """A feature's values on the scale it is compared on (log1p for `log_features`; quantiles commute with it)."""
    return np.log1p(values) if name in check.log_features else values


def measure(texts: pd.DataFrame, profile: dict[str, Any], workers: int = 1) -> pd.DataFrame:
    """Features of texts (columns problem_id, reasoning, answer_text), measured the way the profile was."""
    frame = pd.DataFrame({"problem_id": texts["problem_id"].astype(str).to_numpy(), "sample": range(len(texts)),
                          "reasoning": texts["reasoning"].fillna("").to_numpy(),
                          "answer_text": texts["answer_text"].fillna("").to_numpy(), "correct": True,
                          "truncated": False})
    return extract(frame, profile_settings(profile), workers=workers, progress=False)


def scales(profile: dict[str, Any], check: StyleCheck) -> dict[str, tuple[float, float]]:
    """(median, scale) per checked feature; features the profile has no median for (no trace had them) are left out."""
    out = {}
    for name in check.features:
        quartiles = profile["features"].get(name) or {}
        if quartiles.get("median") is None:
            continue
        q1, median, q3 = (float(_scaled(quartiles[q], name, check)) for q in ("q1", "median", "q3"))
        out[name] = (median, max((q3 - q1) / IQR_TO_SD, check.min_scale_share * abs(median), check.min_scale))
    return out


def z_scores(features: pd.DataFrame, profile: dict[str, Any], check: StyleCheck) -> pd.DataFrame:
    """Per trace and checked feature, the robust z-score against the profile; a missing value (e.g. stage shares of
    an empty trace) is infinitely far from a profile that has one."""
    columns = {}
    for name, (median, scale) in scales(profile, check).items():
        values = _scaled(pd.to_numeric(features[name], errors="coerce").astype(float), name, check)
        columns[name] = ((values - median) / scale).fillna(math.inf)
    return pd.DataFrame(columns, index=features.index)


def feature_group(name: str) -> str:
    """The part of the style a feature measures: stages (stage_*), pivots (pivot counts, densities, coverage,
    backtracking) or form (length and everything else)."""
    if name.startswith("stage_"):
        return "stages"
    if name.endswith(("_per_1k", "_count")) or name.startswith("pivot") or name in ("backtracking", "first_pivot_pos"):
        return "pivots"
    return "form"


def _worst_group(z: pd.DataFrame) -> pd.Series:
    means = [z[columns].mean(axis=1) for columns in pd.Index(z.columns).groupby(z.columns.map(feature_group)).values()]
    return pd.concat(means, axis=1).max(axis=1)


AGGREGATES = {"groups": _worst_group, "max": lambda z: z.max(axis=1), "mean": lambda z: z.mean(axis=1)}


def style_distance(features: pd.DataFrame, profile: dict[str, Any], check: StyleCheck) -> pd.DataFrame:
    """One row per trace: `style_distance` (the absolute z-scores aggregated), `style_accepted` (distance at most
    the threshold) and `style_worst` (the feature farthest from the profile)."""
    z = z_scores(features, profile, check).abs()
    if z.empty or not len(z.columns):
        distance = pd.Series(0.0, index=features.index)
        worst = pd.Series("", index=features.index)
    else:
        distance = AGGREGATES[check.aggregate](z)  # infinite when any feature is missing
        worst = z.idxmax(axis=1)
    return pd.DataFrame({"style_distance": distance, "style_accepted": distance <= check.threshold,
                         "style_worst": worst}, index=features.index)
