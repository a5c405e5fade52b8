"""Scores as a long table and as the paper's layout (rows family × benchmark, columns variants)."""

from __future__ import annotations

import pandas as pd

ID_COLUMNS = ["family", "teacher", "dataset", "variant", "benchmark"]


def scores_frame(records: list[dict]) -> pd.DataFrame:
    df = pd.json_normalize(records)  # nested parts become columns: grading.timeouts, ...
    for column in ID_COLUMNS:
        if column not in df:
            df[column] = ""
    first = ID_COLUMNS + ["n_problems", "n_samples", "pass@1", "pass@1_stderr"]
    rest = [c for c in df.columns if c not in first]
    return df[[c for c in first if c in df] + rest].sort_values(ID_COLUMNS).reset_index(drop=True)


def paper_layout(scores: pd.DataFrame, variant_order: list[str]) -> pd.DataFrame:
    """One row per family × benchmark (× teacher/dataset when several), one column per variant: 'mean ± stderr'."""
    cell = scores.assign(
        cell=[f"{m:.1f} ± {s:.1f}" for m, s in zip(scores["pass@1"], scores["pass@1_stderr"])]
    )
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
    ordered = ["base"] + [v for v in variant_order if v in table.columns and v != "base"]
    return table[columns + ordered].fillna("–").sort_values(columns).reset_index(drop=True)


def to_markdown(table: pd.DataFrame) -> str:
    header = "| " + " | ".join(table.columns) + " |"
    rule = "|" + "|".join("---" for _ in table.columns) + "|"
    rows = ["| " + " | ".join(str(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join([header, rule, *rows]) + "\n"
