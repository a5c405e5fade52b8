"""The paper's numbers (report/data/paper_scores.csv, with its source) beside ours: matched by the family's recipe
name (recipes/sft/<name>.yaml) and the benchmark's preset (problems/presets.py)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from styledistill.report.tables import NOT_REPORTED

PAPER_SCORES = Path(__file__).resolve().parent / "data" / "paper_scores.csv"


def source() -> str:
    """The data file's own account of where its numbers come from (its leading comment lines)."""
    lines = PAPER_SCORES.read_text(encoding="utf-8").splitlines()
    return " ".join(line.lstrip("# ").strip() for line in lines if line.startswith("#"))


def load() -> pd.DataFrame:
    return pd.read_csv(PAPER_SCORES, comment="#", dtype={"family": str, "benchmark": str, "variant": str})


def paper_table(paper: pd.DataFrame, variants: list[str]) -> pd.DataFrame:
    """The paper's own table in our layout: one row per family × benchmark it reports."""
    wide = paper.pivot_table(index=["family", "benchmark"], columns="variant", values="pass@1",
                             aggfunc="first").reset_index()
    for variant in variants:
        wide[variant] = wide[variant].map(lambda v: f"{v:.1f}") if variant in wide else NOT_REPORTED
    return wide[["family", "benchmark", *variants]].fillna(NOT_REPORTED).replace("nan", NOT_REPORTED)


def beside(layout: pd.DataFrame, paper: pd.DataFrame, families: dict[str, str], benchmarks: dict[str, str | None],
           variants: list[str]) -> pd.DataFrame:
    """Our rows, each followed by the paper's row for the same model and benchmark where the paper reports one;
    column `scores` says whose row it is. Empty when the paper reports none of the study's pairs."""
    ours = paper_table(paper, variants).set_index(["family", "benchmark"])
    rows = []
    for row in layout.to_dict("records"):
        key = (families.get(row["family"]), benchmarks.get(row["benchmark"]))
        if key not in ours.index:
            continue
        rows.append({**row, "scores": "ours"})
        rows.append({**{c: row[c] for c in layout.columns if c not in variants}, "scores": f"paper ({key[0]})",
                     **ours.loc[key, variants].to_dict()})
    if not rows:
        return pd.DataFrame()
    ids = [c for c in layout.columns if c not in variants]
    return pd.DataFrame(rows)[[*ids, "scores", *variants]]
