"""A variant's style, measured: the features of its traces next to ST's, its distance from the ST profile, and the
figures its kind is judged by (unchanged prefix of ST-HC-W, length match of the trimmed ST-HC)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from styledistill.errors import UserError
from styledistill.io import read_table, read_table_batches
from styledistill.records import columns
from styledistill.style.settings import STYLE_FEATURES, StyleCheck
from styledistill.style.style_check import measure, style_distance

# What the summary and the comparison show of each variant's features (style features, plus pivots in all).
ST_BATCH_ROWS = 50_000  # ST traces whose texts are held at a time (for their hashes)
EXAMPLE_BATCH_ROWS = 20_000  # a variant's examples whose texts are held at a time (while they are measured)
TEXTS = ("problem_id", "reasoning", "answer_text")  # what an example is measured on
# what the summary reads of each example besides its texts (the kinds' own columns where a kind has them)
DESCRIBED = ("method", "served_model", "prefix_states_gold", "attempts", "prefix_share")
SPANS = ("pivot_spans", "stage_spans")  # features the summary never reads: long JSON strings, left on disk
SHOWN = ("words", "pivots_total", *(f for f in STYLE_FEATURES if f != "words"))


def _num(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), 4)


def _medians(features: pd.DataFrame) -> dict[str, float | None]:
    return {name: _num(pd.to_numeric(features[name]).median()) for name in SHOWN}


def _quantiles(values: pd.Series) -> dict[str, float | None]:
    values = pd.to_numeric(values, errors="coerce").dropna()
    names = ("min", "q10", "q25", "median", "q75", "q90", "max")
    if values.empty:
        return dict.fromkeys(names)
    return dict(zip(names, (_num(v) for v in values.quantile([0, 0.1, 0.25, 0.5, 0.75, 0.9, 1]))))


@dataclass(frozen=True)
class StTraces:
    """What a variant is compared with: the ST traces' features (in ST's order) and a hash of each one's reasoning,
    so a copied trace is recognised without holding the texts."""

    features: pd.DataFrame
    reasoning_hashes: np.ndarray


def st_features(st: pd.DataFrame, features: pd.DataFrame, where: str) -> pd.DataFrame:
    """The ST traces' features as extract_features measured them (the measurement the profile was built from), in
    ST's order (`st`: its problem_id and sample)."""
    keyed = st[["problem_id", "sample"]].merge(features, on=["problem_id", "sample"], how="left",
                                               validate="one_to_one", indicator=True)
    missing = keyed["_merge"] != "both"
    if missing.any():
        first = keyed[missing].iloc[0]
        raise UserError(f"{where}: no features for ST trace (problem {first['problem_id']!r}, sample "
                        f"{first['sample']}); {int(missing.sum())} of {len(st)} missing: are these the teacher's "
                        "features.parquet?")
    return keyed.drop(columns="_merge")


def reasoning_hashes(frame: pd.DataFrame) -> np.ndarray:
    return pd.util.hash_pandas_object(frame["reasoning"].fillna(""), index=False).to_numpy()


def st_traces(st_path: str, features_path: str) -> StTraces:
    """The ST set's features and reasoning hashes, its texts read a batch at a time and let go."""
    keys, hashes = [], []
    for batch in read_table_batches(st_path, "st", ST_BATCH_ROWS, columns=("problem_id", "sample", "reasoning")):
        keys.append(batch[["problem_id", "sample"]])
        hashes.append(reasoning_hashes(batch))
    if not keys:
        return StTraces(_features(features_path).iloc[:0], np.zeros(0, dtype=np.uint64))
    st = pd.concat(keys, ignore_index=True)
    return StTraces(st_features(st, _features(features_path), features_path), np.concatenate(hashes))


def _features(path: str) -> pd.DataFrame:
    """A features table without its span columns."""
    return read_table(path, "features", columns=[c for c in columns("features") if c not in SPANS])


def measure_reusing(examples: pd.DataFrame, st: StTraces, profile: dict[str, Any], workers: int = 1) -> pd.DataFrame:
    """The examples' features. An example whose reasoning is an ST trace's (copied) takes that trace's features and
    only its answer is counted again (the answer decides answer_tokens alone), so only new reasoning goes through
    spaCy: a copy-only variant of 200k examples is not measured twice."""
    from styledistill.style.extract import answer_tokens
    from styledistill.style.style_check import profile_settings

    known = pd.Series(np.arange(len(st.reasoning_hashes)), index=st.reasoning_hashes)
    known = known[~known.index.duplicated()]
    position = pd.Series(reasoning_hashes(examples)).map(known).to_numpy()
    fresh = pd.isna(position)
    copied = np.flatnonzero(~fresh)
    reused = st.features.iloc[position[~fresh].astype(int)].assign(
        problem_id=examples["problem_id"].to_numpy()[copied],
        answer_tokens=answer_tokens(examples["answer_text"].to_numpy()[copied], profile_settings(profile)))
    parts = [reused.set_axis(copied)]
    if fresh.any():
        parts.append(measure(examples[fresh], profile, workers).set_axis(np.flatnonzero(fresh)))
    return pd.concat(parts).sort_index().reset_index(drop=True)


@dataclass(frozen=True)
class Measured:
    """A variant's examples as the summary sees them: their features and the columns it describes, without texts."""

    features: pd.DataFrame
    examples: pd.DataFrame
    st: StTraces


def measured_examples(train: str, st: StTraces, profile: dict[str, Any], workers: int = 1) -> Measured:
    """The examples of a training set measured a batch at a time (measure_reusing, new reasonings in `workers`
    processes), their texts let go."""
    features, described = [], []
    wanted = (*TEXTS, *DESCRIBED)
    for batch in read_table_batches(train, "example", EXAMPLE_BATCH_ROWS, columns=wanted):
        features.append(measure_reusing(batch, st, profile, workers).drop(columns=list(SPANS), errors="ignore"))
        described.append(batch.drop(columns=list(TEXTS)))
    if not features:
        empty = read_table(train, "example", columns=wanted)
        features, described = [measure_reusing(empty, st, profile)], [empty.drop(columns=list(TEXTS))]
    return Measured(pd.concat(features, ignore_index=True), pd.concat(described, ignore_index=True), st)


def summarize(variant: str, measured: Measured, statuses: pd.Series, profile: dict[str, Any],
              check: StyleCheck) -> dict[str, Any]:
    """The variant's summary: its examples' style next to ST's; `statuses` of every problem it was offered."""
    from scipy.stats import ks_2samp

    ours, theirs, examples = measured.features, measured.st.features, measured.examples
    distance = style_distance(ours, profile, check)
    finite = distance["style_distance"].replace(np.inf, np.nan)
    ks = ks_2samp(ours["words"], theirs["words"]) if len(ours) and len(theirs) else None
    out: dict[str, Any] = {
        "variant": variant,
        "examples": len(examples),
        "built": int((statuses == "ok").sum()),
        "offered": len(statuses),
        "statuses": {str(k): int(n) for k, n in statuses.value_counts().items()},
        "methods": {str(k): int(n) for k, n in examples["method"].value_counts().items()},
        "features": _medians(ours),
        "st_features": _medians(theirs),
        "min_types_share": _num(ours["has_min_types"].astype(bool).mean()) if len(ours) else None,
        "st_min_types_share": _num(theirs["has_min_types"].astype(bool).mean()) if len(theirs) else None,
        "style": {"distance_median": _num(finite.median()), "accepted_share": _num(distance["style_accepted"].mean()),
                  "check": check.to_spec()},
        "length_vs_st": {"ks_statistic": _num(ks.statistic), "ks_pvalue": _num(ks.pvalue)} if ks else None,
    }
    if "served_model" in examples.columns and examples["served_model"].notna().any():
        out["served_by"] = {str(k): int(n) for k, n in examples["served_model"].dropna().value_counts().items()}
    if "prefix_states_gold" in examples.columns and len(examples):
        out["prefix_states_gold_share"] = _num(examples["prefix_states_gold"].astype(bool).mean())
    if "attempts" in examples.columns:
        out["attempts"] = _quantiles(examples["attempts"])
    if "prefix_share" in examples.columns:
        out["prefix_share"] = _quantiles(examples["prefix_share"])
    return out
