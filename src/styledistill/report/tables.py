"""Scores as a long table and as the paper's layout (rows family × benchmark, columns base and the variants)."""

from __future__ import annotations

import pandas as pd

ID_COLUMNS = ["family", "teacher", "dataset", "variant", "benchmark"]
# The paper's columns, always shown in this order (a variant the study does not train says so), then ablations.
PAPER_VARIANTS = ["base", "ST", "ST-HC", "ST-HC-W", "ST-NT", "SBS"]
NOT_IN_STUDY = "n/s"
NOT_REPORTED = "n/r"
LEGEND = (f"`{NOT_IN_STUDY}`: not in this study (the variant is not trained; add it to `study.variants`); "
          f"`{NOT_REPORTED}`: the paper reports no number for this cell; `(k failed)`: k requested samples failed "
          "(listed in the evaluation's samples.failures.jsonl) and are left out of the score.")


def scores_frame(records: list[dict]) -> pd.DataFrame:
    df = pd.json_normalize(records)  # nested parts become columns: grading.timeouts, ...
    for column in ID_COLUMNS:
        if column not in df:
            df[column] = ""
    first = ID_COLUMNS + ["n_problems", "n_samples", "pass@1", "pass@1_stderr", "maj@n", "maj@n_stderr"]
    rest = [c for c in df.columns if c not in first]
    return df[[c for c in first if c in df] + rest].sort_values(ID_COLUMNS).reset_index(drop=True)


def variant_columns(variant_order: list[str]) -> list[str]:
    """base and the paper's variants, then the study's other variants (ablations) in the study's order."""
    return PAPER_VARIANTS + [v for v in variant_order if v not in PAPER_VARIANTS]


def _cell(mean: float, stderr: float, failed: int, decimals: int, share: float | None = None) -> str:
    if pd.isna(mean):
        return f"failed ({failed} failed, none answered)"
    text = f"{mean:.{decimals}f} ± {stderr:.{decimals}f}" + (f" ({failed} failed)" if failed else "")
    return text if share is None or pd.isna(share) else f"{text} · {share:.0f}% none"


def paper_layout(scores: pd.DataFrame, variant_order: list[str], decimals: int, metric: str = "pass@1",
                 share: str | None = None) -> pd.DataFrame:
    """One row per family × benchmark (× teacher/dataset when several), one column per variant: 'mean ± stderr'
    of `metric` (and, when given, the `share` column in % after it)."""
    failed = scores["failed"].fillna(0).astype(int) if "failed" in scores else pd.Series(0, index=scores.index)
    shares = scores[share] if share else [None] * len(scores)
    cell = scores.assign(cell=[_cell(m, s, k, decimals, h) for m, s, k, h in
                               zip(scores[metric], scores[f"{metric}_stderr"], failed, shares)])
    # The base model has no teacher/dataset; repeat its cell on every teacher/dataset row of its family.
    base = cell[cell["variant"] == "base"][["family", "benchmark", "cell"]].rename(columns={"cell": "base"})
    tuned = cell[cell["variant"] != "base"]
    if tuned.empty:
        table = base
    else:
        wide = tuned.pivot_table(index=["family", "teacher", "dataset", "benchmark"], columns="variant",
                                 values="cell", aggfunc="first").reset_index()
        table = wide.merge(base, on=["family", "benchmark"], how="left")
    columns = [c for c in ["family", "teacher", "dataset", "benchmark"] if c in table]
    if "teacher" in table and table["teacher"].nunique() <= 1 and table["dataset"].nunique() <= 1:
        columns = ["family", "benchmark"]
    for variant in variant_columns(variant_order):
        if variant not in table:
            table[variant] = NOT_IN_STUDY
    return table[columns + variant_columns(variant_order)].sort_values(columns).reset_index(drop=True)
