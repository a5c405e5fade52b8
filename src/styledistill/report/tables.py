"""Scores as a long table and as the paper's layout (rows family × benchmark, columns base and the variants)."""

from __future__ import annotations

import pandas as pd

ID_COLUMNS = ["family", "teacher", "dataset", "variant", "seed", "benchmark"]  # seed: "" for the base student
# The paper's columns, always shown in this order (a variant the study does not train says so), then ablations.
PAPER_VARIANTS = ["base", "ST", "ST-HC", "ST-HC-W", "ST-NT", "SBS"]
NOT_IN_STUDY = "n/s"
NOT_REPORTED = "n/r"
LEGEND = (f"`{NOT_IN_STUDY}`: not in this study (the variant is not trained; add it to `study.variants`); "
          f"`{NOT_REPORTED}`: the paper reports no number for this cell; `(k failed)`: k requested samples failed "
          "(listed in the evaluation's samples.failures.jsonl) and are left out of the score; `×k`: the mean of k "
          "training seeds (each seed's standard error averaged; results/summary/comparisons.md tests differences "
          "across seeds).")


def scores_frame(records: list[dict]) -> pd.DataFrame:
    df = pd.json_normalize(records)  # nested parts become columns: grading.timeouts, ...
    for column in ID_COLUMNS:
        if column not in df:
            df[column] = ""
    df["seed"] = [seed_label(value) for value in df["seed"]]
    first = ID_COLUMNS + ["n_problems", "n_samples", "pass@1", "pass@1_stderr", "maj@n", "maj@n_stderr"]
    rest = [c for c in df.columns if c not in first]
    return df[[c for c in first if c in df] + rest].sort_values(ID_COLUMNS).reset_index(drop=True)


def variant_columns(variant_order: list[str]) -> list[str]:
    """base and the paper's variants, then the study's other variants (ablations) in the study's order."""
    return PAPER_VARIANTS + [v for v in variant_order if v not in PAPER_VARIANTS]


def seed_label(value: object) -> str:
    """A training seed as the tables show it: its number, or "" (the base student; a score file without one)."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value == "":
        return ""
    return str(int(float(str(value))))


def _cell(mean: float, stderr: float, failed: int, decimals: int, share: float | None = None, seeds: int = 1) -> str:
    if pd.isna(mean):
        return f"failed ({failed} failed, none answered)"
    text = f"{mean:.{decimals}f} ± {stderr:.{decimals}f}" + (f" ×{seeds}" if seeds > 1 else "")
    text += f" ({failed} failed)" if failed else ""
    return text if share is None or pd.isna(share) else f"{text} · {share:.0f}% none"


def _over_seeds(scores: pd.DataFrame, metric: str, share: str | None) -> pd.DataFrame:
    """One row per cell: the mean over its training seeds of `metric`, its standard error and `share`; failures
    summed; `seeds` counted."""
    scores = scores.assign(failed=scores["failed"].fillna(0).astype(int) if "failed" in scores else 0,
                           _share=scores[share] if share else float("nan"))
    keys = ["family", "teacher", "dataset", "variant", "benchmark"]
    return scores.groupby(keys, sort=False, dropna=False).agg(
        mean=(metric, "mean"), stderr=(f"{metric}_stderr", "mean"), failed=("failed", "sum"),
        share=("_share", "mean"), seeds=(metric, "size")).reset_index()


def paper_layout(scores: pd.DataFrame, variant_order: list[str], decimals: int, metric: str = "pass@1",
                 share: str | None = None) -> pd.DataFrame:
    """One row per family × benchmark (× teacher/dataset when several), one column per variant: 'mean ± stderr'
    of `metric` over the cell's training seeds (and, when given, the `share` column in % after it)."""
    cells = _over_seeds(scores, metric, share)
    cell = cells.assign(cell=[_cell(m, s, k, decimals, None if share is None else h, n) for m, s, k, h, n in
                              zip(cells["mean"], cells["stderr"], cells["failed"], cells["share"], cells["seeds"])])
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
