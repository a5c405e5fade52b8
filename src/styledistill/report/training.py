"""How the students trained: loss, learning rate, gradient norm and throughput over the steps of every SFT job
(from each model's train_log.json), as curves per family and a table of the final figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from styledistill.io import read_json

# results/sft/<family>/<teacher>/<dataset>/<variant>/seed-<seed>/model
LABELS = ("family", "teacher", "dataset", "variant", "seed")
CURVES = (("loss", "training loss"), ("learning_rate", "learning rate"), ("grad_norm", "gradient norm"),
          ("train_tokens_per_second", "tokens / s"))
SUMMARY = ["family", "teacher", "dataset", "variant", "seed", "examples", "dropped", "cut", "target_tokens",
           "first_loss", "final_loss", "steps", "tokens_trained", "wall_seconds", "tokens_per_s", "world_size",
           "computed_on"]


def _labels(model_dir: str) -> dict[str, Any]:
    *labels, seed = Path(model_dir).parts[-6:-1]
    return {**dict(zip(LABELS, labels)), "seed": int(seed.removeprefix("seed-"))}


def history(model_dirs: list[str]) -> pd.DataFrame:
    """One row per logged step of every job: its labels, the step and what was logged."""
    rows = []
    for model_dir in model_dirs:
        log = read_json(Path(model_dir) / "train_log.json", "training log")
        labels = _labels(model_dir)
        rows += [{**labels, **entry} for entry in log.get("log_history", []) if "loss" in entry]
    return pd.DataFrame(rows, columns=[*LABELS, "step", *(name for name, _ in CURVES)])


def summary(model_dirs: list[str]) -> pd.DataFrame:
    """One row per job: first and final loss, optimizer steps, tokens trained, wall time, throughput."""
    rows = []
    for model_dir in model_dirs:
        log = read_json(Path(model_dir) / "train_log.json", "training log")
        metrics: dict[str, Any] = log["metrics"]
        data: dict[str, Any] = log.get("data", {})
        rows.append({**_labels(model_dir), "examples": data.get("examples_kept"),
                     "dropped": (data.get("dropped_prompt_too_long") or 0) + (data.get("dropped_too_long") or 0),
                     "cut": data.get("truncated"), "target_tokens": data.get("label_tokens_per_epoch"),
                     "first_loss": metrics.get("first_loss"),
                     "final_loss": metrics.get("final_loss"), "steps": metrics.get("global_step"),
                     "tokens_trained": metrics.get("tokens_trained"), "wall_seconds": metrics.get("wall_seconds"),
                     "tokens_per_s": metrics.get("tokens_per_s"), "world_size": metrics.get("world_size"),
                     "computed_on": metrics.get("computed_on")})
    return pd.DataFrame(rows, columns=SUMMARY)


def trained_on(trained: pd.DataFrame, variant_order: list[str]) -> pd.DataFrame:
    """What each cell of the scores table trained on: rows as the scores table's, a column per variant with its
    examples, the target (assistant) tokens of one epoch, and the examples dropped for length."""
    if trained.empty:
        return pd.DataFrame()
    cell = trained.assign(cell=[f"{e} ex · {t:,} tok" + (f" · {d} dropped" if d else "")
                                for e, t, d in zip(trained["examples"].fillna(0).astype(int),
                                                   trained["target_tokens"].fillna(0).astype(int),
                                                   trained["dropped"].fillna(0).astype(int))])
    # a variant's seeds train on the same examples: its first seed's row says what they all trained on
    wide = cell.sort_values("seed").pivot_table(index=["family", "teacher", "dataset"], columns="variant",
                                                values="cell", aggfunc="first").reset_index()
    ids = ["family"] if wide[["teacher", "dataset"]].drop_duplicates().shape[0] == 1 else ["family", "teacher",
                                                                                            "dataset"]
    columns = [v for v in variant_order if v in wide] + [v for v in wide.columns if v not in variant_order
                                                         and v not in ("family", "teacher", "dataset")]
    return wide[ids + columns].fillna("")


def plot(steps: pd.DataFrame, variant_order: list[str], out: str | Path) -> None:
    """A row of panels per family (one per logged quantity), a line per variant (and teacher/dataset)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from styledistill.report.plots import save

    families = sorted(steps["family"].unique()) or ["(no training)"]
    fig, axes = plt.subplots(len(families), len(CURVES), figsize=(4 * len(CURVES) + 2, 3.2 * len(families)),
                             squeeze=False)
    order = {variant: i for i, variant in enumerate(variant_order)}
    for row, family in zip(axes, families):
        jobs = steps[steps["family"] == family].groupby(["teacher", "dataset", "variant", "seed"], sort=False)
        seeded = steps["seed"].nunique() > 1
        for (teacher, dataset, variant, seed), job in sorted(jobs, key=lambda kv: (order.get(kv[0][2], len(order)),
                                                                                   kv[0][3])):
            several = steps[["teacher", "dataset"]].drop_duplicates().shape[0] > 1
            label = f"{variant} ({teacher}/{dataset})" if several else variant
            label += f" · seed {seed}" if seeded else ""
            color = f"C{order.get(variant, len(order)) % 10}"
            for ax, (name, _) in zip(row, CURVES):
                if job[name].notna().any():
                    ax.plot(job["step"], job[name], marker=".", label=label, color=color,
                            linestyle=("-", "--", ":", "-.")[int(seed) % 4])  # a variant's seeds: one colour
        for ax, (_, title) in zip(row, CURVES):
            ax.set_title(f"{family}: {title}", fontsize="medium")
            ax.set_xlabel("optimizer step")
        if steps.empty:
            row[0].text(0.5, 0.5, "no training logged", ha="center", va="center")
        else:
            row[-1].legend(fontsize="x-small", loc="upper left", bbox_to_anchor=(1.01, 1.0), title="variant")
    fig.suptitle("How each student trained on each variant", fontsize="medium")
    fig.tight_layout()
    save(fig, out)
    plt.close(fig)
