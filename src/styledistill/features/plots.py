"""Figures of the style statistics (matplotlib, Agg): one PNG per figure, written into a directory as a whole.

- distributions.png: the distribution of each key feature in correct and incorrect traces (box plots and points);
- coverage.png: the share of traces with 0, 1, 2, 3 and 4 pivot types, by outcome;
- stages.png: the mean share of the reasoning tokens in each stage, by outcome (stacked bars);
- coverage_by_length.png: the share of traces with at least min_types pivot types against length (deciles), by
  outcome.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from styledistill.features.stats import groups
from styledistill.io import staged_dir
from styledistill.style.lexicon import PIVOT_TYPES
from styledistill.style.stages import STAGES

KEY_FEATURES: tuple[str, ...] = (
    "reasoning_tokens", "steps", "pivots_total", "pivot_types", "pivot_diversity", "backtracking",
    "verification_episodes", "stage_transitions", "first_pivot_pos", "type_token_ratio", "step_coherence",
    "realization_per_1k",
)
FIGURES: tuple[str, ...] = ("distributions", "coverage", "stages", "coverage_by_length")
_COLORS = {"correct": "#1b9e77", "incorrect": "#d95f02"}
_STAGE_COLORS = ("#7570b3", "#66a61e", "#e6ab02", "#e7298a")


def _outcomes(features: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    correct, incorrect = groups(features)
    found = [(name, frame) for name, frame in (("correct", correct), ("incorrect", incorrect)) if len(frame)]
    return found or [("all", features)]


def _label(name: str, frame: pd.DataFrame) -> str:
    return f"{name}\n(n={len(frame)})"


def distributions(fig: Any, features: pd.DataFrame, title: str) -> None:
    outcomes = _outcomes(features)
    cols = 4
    rows = -(-len(KEY_FEATURES) // cols)
    fig.set_size_inches(3.2 * cols, 2.6 * rows + 0.6)
    rng = np.random.default_rng(0)
    for i, name in enumerate(KEY_FEATURES):
        ax = fig.add_subplot(rows, cols, i + 1)
        data = [pd.to_numeric(frame[name].astype("float64"), errors="coerce").dropna().to_numpy()
                for _, frame in outcomes]
        positions = np.arange(1, len(outcomes) + 1)
        shown = [(p, d) for p, d in zip(positions, data) if len(d)]
        if shown:
            ax.boxplot([d for _, d in shown], positions=[p for p, _ in shown], widths=0.5, showfliers=False)
        for position, values, (outcome, _) in zip(positions, data, outcomes):
            jitter = rng.uniform(-0.15, 0.15, len(values))
            ax.scatter(position + jitter, values, s=6, alpha=0.5, color=_COLORS.get(outcome, "grey"), linewidths=0)
        ax.set_xticks(positions, [f"{outcome} ({len(d)})" for (outcome, _), d in zip(outcomes, data)], fontsize=7)
        ax.set_title(name, fontsize=9)
        ax.tick_params(axis="y", labelsize=7)
    fig.suptitle(f"{title}: key features by outcome", fontsize=11)
    fig.tight_layout()


def coverage(fig: Any, features: pd.DataFrame, title: str) -> None:
    outcomes = _outcomes(features)
    levels = np.arange(len(PIVOT_TYPES) + 1)
    ax = fig.add_subplot(1, 1, 1)
    fig.set_size_inches(6.4, 4.0)
    width = 0.8 / len(outcomes)
    for i, (outcome, frame) in enumerate(outcomes):
        types = pd.to_numeric(frame["pivot_types"]).to_numpy()
        shares = [float(np.mean(types == n)) if len(types) else 0.0 for n in levels]
        ax.bar(levels + (i - (len(outcomes) - 1) / 2) * width, shares, width,
               label=_label(outcome, frame).replace("\n", " "), color=_COLORS.get(outcome, "grey"))
    ax.set_xticks(levels)
    ax.set_xlabel("pivot types present in the trace (of 4)")
    ax.set_ylabel("share of traces")
    ax.set_ylim(0, 1)
    ax.set_title(f"{title}: pivot-type coverage", fontsize=11)
    ax.legend(frameon=False)
    fig.tight_layout()


def stages(fig: Any, features: pd.DataFrame, title: str) -> None:
    outcomes = _outcomes(features)
    ax = fig.add_subplot(1, 1, 1)
    fig.set_size_inches(6.4, 1.6 + 0.7 * len(outcomes))
    bottom = np.zeros(len(outcomes))
    labels = [_label(outcome, frame).replace("\n", " ") for outcome, frame in outcomes]
    ax.invert_yaxis()  # correct traces on top
    for stage, color in zip(STAGES, _STAGE_COLORS):
        means = np.array([pd.to_numeric(frame[f"stage_{stage}"].astype("float64"), errors="coerce").mean()
                          for _, frame in outcomes])
        means = np.nan_to_num(means)
        ax.barh(labels, means, left=bottom, color=color, label=stage)
        bottom += means
    ax.set_xlim(0, 1)
    ax.set_xlabel("mean share of the reasoning tokens")
    ax.set_title(f"{title}: stages by outcome", fontsize=11)
    ax.legend(ncols=len(STAGES), loc="upper center", bbox_to_anchor=(0.5, -0.35), frameon=False, fontsize=8)
    fig.tight_layout()


def coverage_by_length(fig: Any, features: pd.DataFrame, title: str) -> None:
    from styledistill.features.length_control import coverage_by_length as by_length

    table = by_length(features)
    ax = fig.add_subplot(1, 1, 1)
    fig.set_size_inches(6.4, 4.0)
    for outcome in ("correct", "incorrect"):
        if len(table):
            middle = (table["tokens_from"] + table["tokens_to"]) / 2
            ax.plot(middle, table[f"share_{outcome}"], marker="o", label=outcome, color=_COLORS[outcome])
    ax.set_xscale("log")
    ax.set_xlabel("reasoning tokens (middle of each length decile)")
    ax.set_ylabel("share with >= min_types pivot types")
    ax.set_ylim(0, 1.05)
    ax.set_title(f"{title}: pivot coverage against length", fontsize=11)
    if len(table):
        ax.legend(frameon=False)
    fig.tight_layout()


_DRAW: dict[str, Callable[[Any, pd.DataFrame, str], None]] = {
    "distributions": distributions, "coverage": coverage, "stages": stages, "coverage_by_length": coverage_by_length,
}


def render(features: pd.DataFrame, title: str) -> dict[str, bytes]:
    """PNG bytes of every figure, by name."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = {}
    for name in FIGURES:
        fig = plt.figure()
        try:
            _DRAW[name](fig, features, title)
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
            out[name] = buffer.getvalue()
        finally:
            plt.close(fig)
    return out


def write(features: pd.DataFrame, directory: str | Path, title: str) -> list[str]:
    """Write `<name>.png` of every figure into `directory`, which appears whole or not at all."""
    pngs = render(features, title)
    with staged_dir(directory) as tmp:
        for name, data in pngs.items():
            (tmp / f"{name}.png").write_bytes(data)
    return [f"{name}.png" for name in pngs]
