"""Where each evaluation's answers were computed (its scores' `computed_on`) and where each student trained (its
training log's), with a warning when the cells of one family × benchmark row, or the students one family trained on
one dataset, were not all computed alike: a difference between them then mixes the variants' effect with the
machines'."""

from __future__ import annotations

import pandas as pd

from styledistill.devices import UNRECORDED

COLUMN = "computed_on"
INTRO = ("What computed each evaluation's answers and each student's training: for a local model its device (for a "
         "CPU, the vector instructions torch uses and its native bf16), compute dtype and engine; for an API its "
         "`system_fingerprint` where it gives one. The same weights and requests can answer differently on another "
         "kind of machine: on the CPU, holding oneDNN to AVX2 changed 13 of the embedded model's 24 greedy bf16 "
         "answers to the demo's benchmark, and `dtype: auto` picks bf16 only where the CPU has native bf16, fp32 "
         "elsewhere. Training on another kind of machine gives other weights.")
MIXED = ("**{what} on different machines within one row** ({rows}): differences between those cells mix the "
         "variants' effect with the machines'. Rerun them on one kind of machine (pin the partition or GPU type) "
         "before comparing.")


def _counts(frame: pd.DataFrame, noun: str) -> list[str]:
    return [f"- {fingerprint}: {n} {noun}(s)" for fingerprint, n in frame[COLUMN].value_counts().items()]


def _mixed(frame: pd.DataFrame, keys: list[str]) -> list[str]:
    """The groups whose known fingerprints differ (an unrecorded one is no evidence of a second machine)."""
    known = frame[frame[COLUMN] != UNRECORDED]
    return [" × ".join(group) for group, cells in known.groupby(keys) if cells[COLUMN].nunique() > 1]


def _listed(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame[COLUMN].notna()] if COLUMN in frame else frame.iloc[:0]


def section(scores: pd.DataFrame, trained: pd.DataFrame | None = None) -> list[str]:
    """The report's lines: evaluations and training jobs per fingerprint, and the rows whose cells differ; none where
    neither records one."""
    answered, fitted = _listed(scores), _listed(trained if trained is not None else pd.DataFrame())
    if answered.empty and fitted.empty:
        return []
    lines = ["## Where the answers were computed and the students trained", "", INTRO, ""]
    if len(answered):
        lines += ["Answers:", "", *_counts(answered, "evaluation"), ""]
        mixed = _mixed(answered, ["family", "benchmark"])
        lines += [MIXED.format(what="Answers computed", rows=", ".join(mixed)), ""] if mixed else []
    if len(fitted):
        lines += ["Training:", "", *_counts(fitted, "training job"), ""]
        mixed = _mixed(fitted, ["family", "teacher", "dataset"])
        lines += [MIXED.format(what="Students trained", rows=", ".join(mixed)), ""] if mixed else []
    return lines
