"""The style-transfer table: did each student copy the teacher's style (pivot coverage and density, length, stage
proportions, backtracking, distance to the teacher's ST profile), next to whether it got better (accuracy), with
the teacher's ST profile as the reference row."""

from __future__ import annotations

import math

import pandas as pd

from styledistill.report.tables import ID_COLUMNS

REFERENCE = "teacher ST profile"
# summary key -> column header (features/measure_student_style.summarise)
COLUMNS = {
    "accuracy": "accuracy %",
    "empty_outputs": "empty outputs",
    "pivot_coverage": "pivot types (0-4)",
    "share_min_types": "share ≥ min types",
    "style_distance": "distance to ST",
    "style_accepted": "share in ST style",
    "reasoning_tokens": "length (tokens)",
    "realization_per_1k": "realization /1k",
    "verification_per_1k": "verification /1k",
    "exploration_per_1k": "exploration /1k",
    "integration_per_1k": "integration /1k",
    "backtracking": "backtracking",
    "stage_exploration": "exploration stage",
    "stage_verification": "verification stage",
}
DIGITS = {"accuracy": 1, "empty_outputs": 0, "reasoning_tokens": 0}
ASSOCIATION = "coverage vs correct (OR/SD at fixed length)"
STYLE_COLUMNS_NOTE = ("Rows: the teacher's reference, the base student, then the student tuned on each variant. "
                      "Lengths and densities are medians; pivot types a mean; '–': no value (a distance when most "
                      "outputs are empty: an empty output has no stage shares, so it is infinitely far from the "
                      "profile; `empty outputs` counts them), or too few correct and wrong outputs to fit.")


def style_frame(summaries: list[dict]) -> pd.DataFrame:
    """One row per evaluation (nested parts flattened: reference.*, coverage_vs_correct.*)."""
    return pd.json_normalize(summaries)


def _fmt(value: object, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return f"{float(value):.{digits}f}"


def _association(row: pd.Series) -> str:
    ratio = row.get("coverage_vs_correct.odds_ratio_per_sd")
    if ratio is None or (isinstance(ratio, float) and not math.isfinite(ratio)):
        return str(row.get("coverage_vs_correct.note") or "–")
    within = " within problems" if str(row.get("coverage_vs_correct.fit") or "").startswith("problem fixed") else ""
    return (f"{ratio:.2f} [{_fmt(row.get('coverage_vs_correct.ci_low'))}, "
            f"{_fmt(row.get('coverage_vs_correct.ci_high'))}], p={_fmt(row.get('coverage_vs_correct.p'), 3)}{within}")


def style_table(frame: pd.DataFrame, variant_order: list[str]) -> pd.DataFrame:
    """Per family × teacher × dataset × benchmark: the teacher's reference row, then base and each variant."""
    order = {v: i for i, v in enumerate(["base", *variant_order])}
    rows = []
    keys = ["family", "teacher", "dataset", "benchmark"]
    for key, group in frame.groupby(keys, sort=True):
        first = group.iloc[0]
        rows.append({**dict(zip(keys, key)), "student": REFERENCE,
                     **{header: _fmt(first.get(f"reference.{name}"), DIGITS.get(name, 2))
                        for name, header in COLUMNS.items()},
                     ASSOCIATION: ""})
        seeds = group["seed"] if "seed" in group else pd.Series(float("nan"), index=group.index)  # base: none
        seeded = seeds.groupby(group["variant"]).nunique().max() > 1
        ranked = group.assign(_rank=group["variant"].map(order), _seed=seeds)
        for _, row in ranked.sort_values(["_rank", "_seed"]).iterrows():
            label = row["variant"] + (f" · seed {int(row['_seed'])}" if seeded and row["variant"] != "base" else "")
            rows.append({**dict(zip(keys, key)), "student": label,
                         **{header: _fmt(row.get(name), DIGITS.get(name, 2)) for name, header in COLUMNS.items()},
                         ASSOCIATION: _association(row)})
    table = pd.DataFrame(rows)
    shown = ["family", "benchmark"] if frame["teacher"].nunique() <= 1 and frame["dataset"].nunique() <= 1 else keys
    return table[[*shown, "student", *COLUMNS.values(), ASSOCIATION]]


def long_form(frame: pd.DataFrame) -> pd.DataFrame:
    """The CSV: one row per evaluation with every summary column, and the reference values alongside."""
    if frame.empty:
        return pd.DataFrame(columns=ID_COLUMNS)
    first = [c for c in ID_COLUMNS if c in frame]
    return frame[first + [c for c in frame.columns if c not in first]]
