"""Where each evaluation's answers were computed (its scores' `computed_on`), and a warning when the cells of one
family × benchmark row were not all computed alike: a difference between them then mixes the variants' effect with
the machines'."""

from __future__ import annotations

import pandas as pd

from styledistill.devices import UNRECORDED

COLUMN = "computed_on"
INTRO = ("What computed each evaluation's answers: for a local model its device (for a CPU, the vector instructions "
         "torch uses and its native bf16), dtype and engine; for an API its `system_fingerprint` where it gives one. "
         "The same weights and requests can answer differently on another kind of machine: on the CPU, holding "
         "oneDNN to AVX2 changed 13 of the embedded model's 24 greedy bf16 answers to the demo's benchmark, and "
         "`dtype: auto` picks bf16 only where the CPU has native bf16, fp32 elsewhere.")
MIXED = ("**Computed on different machines within one row** ({rows}): differences between those cells mix the "
         "variants' effect with the machines'. Rerun them on one kind of machine (pin the partition or GPU type) "
         "before comparing.")


def section(scores: pd.DataFrame) -> list[str]:
    """The report's lines: evaluations per fingerprint, and the rows whose cells differ; none without the column."""
    if COLUMN not in scores or scores[COLUMN].isna().all():
        return []
    listed = scores[scores[COLUMN].notna()]
    lines = ["## Where the answers were computed", "", INTRO, ""]
    lines += [f"- {fingerprint}: {n} evaluation(s)" for fingerprint, n in listed[COLUMN].value_counts().items()]
    known = listed[listed[COLUMN] != UNRECORDED]  # an unknown machine is no evidence of a second one
    mixed = [f"{family} × {benchmark}" for (family, benchmark), cells in known.groupby(["family", "benchmark"])
             if cells[COLUMN].nunique() > 1]
    if mixed:
        lines += ["", MIXED.format(rows=", ".join(mixed))]
    return lines + [""]
