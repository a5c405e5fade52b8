"""Pass@1 per variant, one panel per benchmark, one bar group per family, with standard-error bars."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def plot_scores(scores: pd.DataFrame, variant_order: list[str], out: str | Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    benchmarks = sorted(scores["benchmark"].unique())
    families = sorted(scores["family"].unique())
    variants = ["base"] + [v for v in variant_order if v != "base" and v in set(scores["variant"])]
    panel_width = max(5.0, 0.3 * len(variants) * len(families) + 1.5)
    fig, axes = plt.subplots(1, len(benchmarks), figsize=(panel_width * len(benchmarks) + 1.5, 4), squeeze=False)
    width = 0.8 / len(variants)
    for ax, benchmark in zip(axes[0], benchmarks):
        sub = scores[scores["benchmark"] == benchmark]
        for j, variant in enumerate(variants):
            rows = sub[sub["variant"] == variant].groupby("family")[["pass@1", "pass@1_stderr"]].mean()
            xs = [i + j * width for i, f in enumerate(families) if f in rows.index]
            ys = [rows.at[f, "pass@1"] for f in families if f in rows.index]
            es = [rows.at[f, "pass@1_stderr"] for f in families if f in rows.index]
            ax.bar(xs, ys, width, yerr=es, capsize=2, label=variant)
        ax.set_xticks([i + 0.4 - width / 2 for i in range(len(families))], families)
        ax.set_title(benchmark)
        ax.set_ylabel("pass@1 (%)")
        ax.set_ylim(0, 100)
    axes[0][-1].legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), title="variant")
    fig.suptitle("Students before (base) and after SFT on each variant", fontsize="medium")
    fig.tight_layout()
    tmp = Path(out).with_suffix(".tmp.png")
    fig.savefig(tmp, dpi=120)
    plt.close(fig)
    tmp.replace(out)
