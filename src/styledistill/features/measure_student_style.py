"""Rule measure_student_style: did the student copy the teacher's style? A student's benchmark outputs measured the
way the teacher's traces were (the same lexicon and spaCy pipeline, read from the ST profile), each output's style
distance to that profile, and whether the copied style goes with correct answers at a fixed length
(features/length_control.py)."""

from __future__ import annotations

import argparse
import math
from typing import Any

import pandas as pd

from styledistill.cli._common import load_job, set_threads
from styledistill.features.length_control import adjusted
from styledistill.style.settings import StyleCheck
from styledistill.style.style_check import measure, style_distance

RULE = "measure_student_style"
# Summarised as the median over outputs, like the profile's reference values (plus coverage as a mean and share).
MEDIAN_FEATURES = ("reasoning_tokens", "realization_per_1k", "verification_per_1k", "exploration_per_1k",
                   "integration_per_1k", "stage_framing", "stage_exploration", "stage_verification",
                   "stage_synthesis", "backtracking")
ASSOCIATION = "pivot_types"  # the feature whose association with correctness is tested at a fixed length


def measure_outputs(samples: pd.DataFrame, profile: dict[str, Any], check: StyleCheck) -> pd.DataFrame:
    """Features of every output (its reasoning, or the whole text when it has no separate reasoning), with the
    sample's grade and its style distance to the profile."""
    reasoning = samples["reasoning"].fillna("")
    has_reasoning = reasoning.str.strip() != ""
    texts = pd.DataFrame({"problem_id": samples["problem_id"],
                          "reasoning": reasoning.where(has_reasoning, samples["text"].fillna("")),
                          "answer_text": samples["answer_text"].fillna("").where(has_reasoning, "")})
    features = measure(texts, profile).reset_index(drop=True)
    features["sample"] = samples["sample"].to_numpy()
    features["correct"] = samples["correct"].to_numpy()
    features["truncated"] = samples["truncated"].to_numpy()
    return pd.concat([features, style_distance(features, profile, check).reset_index(drop=True)], axis=1)


def _number(value: Any) -> float | None:
    return None if value is None or not math.isfinite(float(value)) else round(float(value), 4)


def summarise(features: pd.DataFrame) -> dict[str, Any]:
    """One evaluation's style: medians, pivot coverage, distance to ST, and coverage vs correctness."""
    distance = features["style_distance"].astype(float)
    out: dict[str, Any] = {
        "outputs": len(features),
        # an empty output has no stage shares: infinitely far from the profile (a median over them is null)
        "empty_outputs": int((pd.to_numeric(features["reasoning_tokens"]) == 0).sum()),
        "accuracy": _number(features["correct"].astype(float).mean() * 100) if len(features) else None,
        "pivot_coverage": _number(pd.to_numeric(features["pivot_types"]).mean()) if len(features) else None,
        "share_min_types": _number(features["has_min_types"].astype(float).mean()) if len(features) else None,
        "style_distance": _number(distance.median()) if len(features) else None,  # median: robust to infinite ones
        "style_accepted": _number(features["style_accepted"].astype(float).mean()) if len(features) else None,
    }
    for name in MEDIAN_FEATURES:
        values = pd.to_numeric(features[name], errors="coerce").dropna()
        out[name] = _number(values.median()) if len(values) else None
    fit = adjusted(features, ASSOCIATION)
    out["coverage_vs_correct"] = {
        "odds_ratio_per_sd": _number(fit["odds_ratio_adj"]), "ci_low": _number(fit["or_ci_low"]),
        "ci_high": _number(fit["or_ci_high"]), "p": _number(fit["p_adj"]), "note": fit["note_adj"], "fit": fit["fit"],
        "accuracy_with_min_types": _accuracy(features, features["has_min_types"].astype(bool)),
        "accuracy_without": _accuracy(features, ~features["has_min_types"].astype(bool)),
    }
    return out


def _accuracy(features: pd.DataFrame, mask: pd.Series) -> float | None:
    rows = features[mask]
    return _number(rows["correct"].astype(float).mean() * 100) if len(rows) else None


def reference(profile: dict[str, Any]) -> dict[str, Any]:
    """The teacher's ST profile in the summary's terms: the reference line of every style table and plot."""
    medians = {name: (profile["features"].get(name) or {}).get("median") for name in MEDIAN_FEATURES}
    return {"outputs": profile["n_traces"], "accuracy": None, "pivot_coverage": profile["coverage"]["mean"],
            "share_min_types": profile["coverage"]["share_min_types"], "style_distance": 0.0,
            "style_accepted": None, **{k: _number(v) if v is not None else None for k, v in medians.items()}}


def run(samples_path: str, profile_path: str, out: str, summary_path: str, check: StyleCheck,
        labels: dict[str, str], version: int | None) -> None:
    """Measure one evaluation's outputs against the teacher's profile; write per-output features and a summary."""
    from styledistill.io import all_or_none, read_json, read_table, write_json, write_table

    samples = read_table(samples_path, "eval_sample")
    profile = read_json(profile_path)
    features = measure_outputs(samples, profile, check)
    summary = summarise(features)
    with all_or_none(out, summary_path):
        write_table(features, out, "features", RULE, version, outputs=len(features),
                    style_distance=summary["style_distance"])
        write_json(summary_path, {**labels, **summary, "reference": reference(profile)})


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--samples", required=True, help="the evaluation's samples.parquet (record: eval_sample)")
    p.add_argument("--profile", required=True, help="the teacher's ST style profile (style_profile.json)")
    p.add_argument("--out", required=True, help="per-output features and style distance to write (Parquet)")
    p.add_argument("--summary", required=True, help="the evaluation's style summary to write (JSON)")


def main(args: argparse.Namespace) -> None:
    """The spec: {"stage": the style check settings, "labels": family, teacher, dataset, variant, benchmark}."""
    set_threads(args.threads)
    job = load_job(args.spec, {"stage", "labels"})
    check = StyleCheck.from_spec(job["stage"], "--spec: stage")
    run(args.samples, args.profile, args.out, args.summary, check, job["labels"], job.version)
