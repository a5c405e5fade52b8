"""Rule compare_variants: the variants of a run side by side, their style features against ST's (does ST-HC match
ST's style? does pivot stripping remove the pivots? does stage shuffling keep the length?), as a table and a plot
for the report."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pandas as pd

from styledistill.io import all_or_none, atomic_write_text, read_json
from styledistill.markdown import table as markdown_table
from styledistill.variants.align import SUMMARY
from styledistill.variants.summary import SHOWN

COLUMNS = ("examples", *SHOWN, "min_types_share", "style_distance", "ks_pvalue_words", "prefix_share_median",
           "fallback_share")


def table(summaries: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per variant, then the ST reference (the ST set's own medians) as the last row."""
    rows = []
    for s in summaries:
        methods = s.get("methods") or {}
        rows.append({
            "variant": s["variant"], "examples": s["examples"], **s["features"],
            "min_types_share": s["min_types_share"], "style_distance": s["style"]["distance_median"],
            "ks_pvalue_words": (s.get("length_vs_st") or {}).get("ks_pvalue"),
            "prefix_share_median": (s.get("prefix_share") or {}).get("median"),
            "fallback_share": round((methods.get("fallback") or 0) / s["examples"], 4) if s["examples"] else None,
        })
    if summaries:
        first = summaries[0]
        rows.append({"variant": "ST set (reference)", **first["st_features"],
                     "min_types_share": first["st_min_types_share"]})
    return pd.DataFrame(rows, columns=["variant", *COLUMNS]).astype({"examples": "Int64"})


def markdown(df: pd.DataFrame, alignment: dict[str, Any]) -> str:
    shown = df.astype(object).where(df.notna(), "")
    losses = "; ".join(f"{v}: {', '.join(f'{k} {n}' for k, n in s.items())}" for v, s in alignment["statuses"].items())
    return (f"# Variants compared with ST\n\n{len(alignment['problem_ids'])} aligned problems "
            f"({alignment['problems_built_by_all']} built by every variant of {alignment['problems_offered']} "
            f"offered). Built per variant: {losses}.\n\n"
            + markdown_table(list(shown.columns), shown.values.tolist()) + "\n")


PLOTTED = ("words", "pivots_total", "pivot_types", "backtracking", "style_distance", "stage_verification")


def plot(df: pd.DataFrame, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    variants = df[df["variant"] != "ST set (reference)"]
    reference = df[df["variant"] == "ST set (reference)"]
    fig, axes = plt.subplots(2, 3, figsize=(12, 6.5))
    for ax, name in zip(axes.flat, PLOTTED):
        values = pd.to_numeric(variants[name], errors="coerce")
        ax.bar(variants["variant"], values.fillna(0), color="#4c72b0")
        if len(reference) and pd.notna(reference[name].iloc[0]):
            ax.axhline(float(reference[name].iloc[0]), color="#c44e52", linestyle="--", label="ST set")
            ax.legend(fontsize=8)
        ax.set_title(name.replace("_", " "), fontsize=10)
        ax.tick_params(axis="x", rotation=45, labelsize=8)
    fig.suptitle("Style of each variant against ST (medians)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def compare_variants(published: list[str], alignment: str, csv: str, md: str, png: str) -> None:
    """Read the published variants' summaries, write the table (CSV, Markdown) and the plot."""
    df = table([read_json(Path(path) / "features.json", "variant summary") for path in published])
    with all_or_none(csv, md, png):
        atomic_write_text(csv, df.to_csv(index=False))
        atomic_write_text(md, markdown(df, read_json(Path(alignment) / SUMMARY, "alignment")))
        plot(df, png)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--published", nargs="+", required=True, help="published directory of each variant (its "
                                                                 "features.json is read)")
    p.add_argument("--alignment", required=True, help="alignment directory")
    p.add_argument("--csv", required=True)
    p.add_argument("--markdown", required=True)
    p.add_argument("--plot", required=True)


def main(args: argparse.Namespace) -> None:
    compare_variants(args.published, args.alignment, args.csv, args.markdown, args.plot)
