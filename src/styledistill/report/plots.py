"""The report's figures: pass@1 by variant (with standard-error bars), style transfer, and output length."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd


def _variant_bars(scores: pd.DataFrame, variant_order: list[str], out: str | Path, value: str, error: str | None,
                  ylabel: str, title: str, ylim: tuple[float, float] | None = None) -> None:
    """One panel per benchmark, one bar group per family, one bar per variant (base first), optional error bars."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    benchmarks = sorted(scores["benchmark"].unique())
    families = sorted(scores["family"].unique())
    variants = ["base"] + [v for v in variant_order if v != "base" and v in set(scores["variant"])]
    panel_width = max(5.0, 0.3 * len(variants) * len(families) + 1.5)
    fig, axes = plt.subplots(1, len(benchmarks), figsize=(panel_width * len(benchmarks) + 1.5, 4), squeeze=False)
    width = 0.8 / len(variants)
    columns = [value] + ([error] if error else [])
    for ax, benchmark in zip(axes[0], benchmarks):
        sub = scores[scores["benchmark"] == benchmark]
        for j, variant in enumerate(variants):
            rows = sub[sub["variant"] == variant].groupby("family")[columns].mean()
            shown = [f for f in families if f in rows.index]
            xs = [families.index(f) + j * width for f in shown]
            errors = [rows.at[f, error] for f in shown] if error else None
            ax.bar(xs, [rows.at[f, value] for f in shown], width, yerr=errors, capsize=2, label=variant)
        ax.set_xticks([i + 0.4 - width / 2 for i in range(len(families))], families)
        ax.set_title(benchmark)
        ax.set_ylabel(ylabel)
        if ylim:
            ax.set_ylim(*ylim)
    axes[0][-1].legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), title="variant")
    fig.suptitle(title, fontsize="medium")
    fig.tight_layout()
    save(fig, out)
    plt.close(fig)


def plot_scores(scores: pd.DataFrame, variant_order: list[str], out: str | Path) -> None:
    _variant_bars(scores, variant_order, out, "pass@1", "pass@1_stderr", "pass@1 (%)",
                  "Students before (base) and after SFT on each variant", (0, 100))


def save(fig: Any, out: str | Path) -> None:
    """Write a figure atomically (PNG)."""
    tmp = Path(out).with_suffix(".tmp.png")
    fig.savefig(tmp, dpi=120)
    tmp.replace(out)


def plot_style(style: pd.DataFrame, variant_order: list[str], out: str | Path) -> None:
    """Left: each student's median style distance to the teacher's ST profile against its accuracy (did the copied
    style go with better scores?). Right: pivot coverage by variant per family, the teacher's profile as a line."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    if style.empty:
        left.text(0.5, 0.5, "no student outputs were measured", ha="center", va="center")
        save(fig, out)
        plt.close(fig)
        return
    variants = ["base"] + [v for v in variant_order if v in set(style["variant"])]
    families = sorted(style["family"].unique())
    markers = "osD^v<>pP*Xh"
    for i, family in enumerate(families):
        rows = style[style["family"] == family]
        for _, row in rows.iterrows():
            distance = row["style_distance"]
            distance = distance if distance is not None and np.isfinite(distance) else np.nan
            left.scatter(distance, row["accuracy"], marker=markers[i % len(markers)], s=40,
                         color=f"C{variants.index(row['variant']) % 10}")
            left.annotate(row["variant"], (distance, row["accuracy"]), fontsize="x-small", xytext=(3, 3),
                          textcoords="offset points")
    left.set_xlabel("style distance to the teacher's ST profile (median over outputs)")
    left.set_ylabel("accuracy (%)")
    left.set_title("Did copying the style go with better answers?", fontsize="medium")
    width = 0.8 / max(1, len(variants))
    for j, variant in enumerate(variants):
        means = style[style["variant"] == variant].groupby("family")["pivot_coverage"].mean()
        xs = [i + j * width for i, f in enumerate(families) if f in means.index]
        right.bar(xs, [means[f] for f in families if f in means.index], width, label=variant, color=f"C{j % 10}")
    reference = style.groupby("family")["reference.pivot_coverage"].first()
    for i, family in enumerate(families):
        right.hlines(reference.get(family, np.nan), i - width / 2, i + 0.8 - width / 2, colors="black",
                     linestyles="dashed", label="teacher ST" if i == 0 else None)
    right.set_xticks([i + 0.4 - width / 2 for i in range(len(families))], families)
    right.set_ylabel("pivot types per output (mean, 0-4)")
    right.set_ylim(0, 4)
    right.set_title("Did the student copy the pivots?", fontsize="medium")
    right.legend(fontsize="x-small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    save(fig, out)
    plt.close(fig)


def plot_lengths(scores: pd.DataFrame, variant_order: list[str], out: str | Path) -> None:
    """Mean output length (tokens) by variant, one panel per benchmark, one bar group per family."""
    _variant_bars(scores, variant_order, out, "mean_tokens", None, "output length (tokens, mean)",
                  "How long the students answer, before and after SFT")
