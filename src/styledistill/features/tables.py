"""The statistics table as Markdown, for a person to read: strongest effects first."""

from __future__ import annotations

import math

import pandas as pd


def _number(x: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:.3g}" if abs(x) < 1000 else f"{x:,.0f}"


def _p(x: float) -> str:
    if x is None or math.isnan(x):
        return "–"
    return "<0.001" if x < 0.001 else f"{x:.3f}"


def _center(value: float, summary: str) -> str:
    if summary == "share" and not math.isnan(value):
        return f"{100 * value:.1f}%"
    return _number(value)


def _delta(row: pd.Series) -> str:
    if math.isnan(row["cliffs_delta"]):
        return "–"
    text = f"{row['cliffs_delta']:+.2f}"
    if not math.isnan(row["delta_ci_low"]):
        text += f" [{row['delta_ci_low']:+.2f}, {row['delta_ci_high']:+.2f}]"
    return text


def ordered(stats: pd.DataFrame) -> pd.DataFrame:
    """Rows by |Cliff's delta|, largest first (rows without a delta last), then by feature name."""
    key = stats["cliffs_delta"].abs().fillna(-1.0)
    return stats.assign(_key=-key).sort_values(["_key", "feature"], kind="stable").drop(columns="_key")


def _odds(row: pd.Series) -> str:
    if math.isnan(row["odds_ratio_adj"]):
        return "–"
    return f"{row['odds_ratio_adj']:.2f} [{row['or_ci_low']:.2f}, {row['or_ci_high']:.2f}]"


def _by_length(table: pd.DataFrame, min_types: int) -> list[str]:
    lines = ["", f"## Share with at least {min_types} of 4 pivot types, by length decile", "",
             "| decile | reasoning tokens | correct (n) | share correct | incorrect (n) | share incorrect |",
             "|---:|---|---:|---:|---:|---:|"]
    for _, r in table.iterrows():
        lines.append(f"| {int(r['decile'])} | {int(r['tokens_from']):,}–{int(r['tokens_to']):,} | "
                     f"{int(r['n_correct'])} | {_center(r['share_correct'], 'share')} | {int(r['n_incorrect'])} | "
                     f"{_center(r['share_incorrect'], 'share')} |")
    return lines


def markdown(stats: pd.DataFrame, title: str, resamples: int, min_types: int,
             by_length: pd.DataFrame | None = None) -> str:
    """A Markdown page: what was compared and how, one table row per feature, which effects survive the length
    control (when the table has its columns: features.length_control), and coverage by length decile."""
    from styledistill.features.length_control import COLUMNS

    blank = {"note_adj": "", "survives_length_control": False, "fit": ""}
    stats = stats.assign(**{c: blank.get(c, math.nan) for c in COLUMNS if c not in stats.columns})
    n_correct = int(stats["n_correct"].max()) if len(stats) else 0
    n_incorrect = int(stats["n_incorrect"].max()) if len(stats) else 0
    lines = [
        f"# {title}",
        "",
        f"Correct traces (n = {n_correct}) against incorrect ones (n = {n_incorrect}). Cliff's delta is correct over "
        f"incorrect (> 0: larger in correct traces), with a {resamples:,}-resample percentile bootstrap 95% interval; "
        "p: two-sided Mann-Whitney U (Fisher's exact test for the share with "
        f"at least {min_types} of the 4 pivot types); q: Benjamini-Hochberg across all features. "
        "Strongest effects first. Length control: odds ratio of being correct per standard deviation of the feature "
        "at a fixed log length (logistic regression on both), its q across features; an effect survives when both "
        "tests are significant (q < 0.05) in the same direction.",
        "",
        *([f"Length-control fit: {'; '.join(fits)}. (The raw tests treat samples as independent; where problems have "
           "several samples, the fixed-effects fit compares samples of the same problem only, so problem difficulty "
           "cannot make a feature look predictive.)", ""] if (fits := sorted(set(stats["fit"]) - {""})) else []),
        "| feature | median correct | median incorrect | Cliff's delta [95% CI] | p | q | OR at fixed length "
        "[95% CI] | q (length) | survives | note |",
        "|---|---:|---:|---|---:|---:|---|---:|---|---|",
    ]
    for _, row in ordered(stats).iterrows():
        name = row["feature"] + (f" (≥{min_types} of 4 types, share)" if row["summary"] == "share" else "")
        note = "; ".join(n for n in (row["note"], row["note_adj"]) if n)
        lines.append(
            f"| {name} | {_center(row['median_correct'], row['summary'])} | "
            f"{_center(row['median_incorrect'], row['summary'])} | {_delta(row)} | {_p(row['p'])} | {_p(row['q'])} | "
            f"{_odds(row)} | {_p(row['q_adj'])} | {'yes' if row['survives_length_control'] else ''} | {note} |"
        )
    raw = set(stats.loc[stats["q"] < 0.05, "feature"])
    kept = sorted(set(stats.loc[stats["survives_length_control"].astype(bool), "feature"]))
    lost = sorted(raw - set(kept))
    lines += ["", f"Significant before the length control: {len(raw)}; surviving it: "
              f"{', '.join(kept) or 'none'}; explained by length: {', '.join(lost) or 'none'}."]
    if by_length is not None:
        lines += _by_length(by_length, min_types)
    return "\n".join(lines) + "\n"
