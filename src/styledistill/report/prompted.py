"""Prompted baselines beside fine-tuning: each benchmark's scores of the untrained models asked plainly and in a
teacher's style (its style prompt), the paired difference the style prompt makes, and the fine-tuned students' cells
for the same benchmark, in one table."""

from __future__ import annotations

import zlib
from typing import Any

import numpy as np
import pandas as pd

from styledistill.io import read_table
from styledistill.report.paired import compare
from styledistill.report.settings import BASE, ReportSettings

BESIDE = (BASE, "ST", "ST-HC")  # the fine-tuned cells set beside the prompted ones
INTRO = ("Style prompting beside style fine-tuning: pass@1 (%) ± standard error of each prompted baseline (a model "
         "evaluated untrained), asked plainly and with its style prompt filled from the teacher's ST style profile; "
         "*style − plain*: the paired difference on the same problems with its {level:.0%} interval and two-sided p "
         "(bootstrap over problems); then the students of each family, untuned and fine-tuned on ST and ST-HC.")


def frame(scores: list[dict[str, Any]]) -> pd.DataFrame:
    """The prompted baselines' scores as a long table (one row per baseline × prompt × teacher/dataset × benchmark)."""
    columns = ["baseline", "model", "prompt", "teacher", "dataset", "benchmark"]
    df = pd.json_normalize(scores) if scores else pd.DataFrame(columns=[*columns, "pass@1", "pass@1_stderr"])
    return df[columns + [c for c in df.columns if c not in columns]].sort_values(columns).reset_index(drop=True)


def _per_problem(path: str) -> pd.Series:
    """The share of each problem's samples graded correct."""
    samples = read_table(path, "eval_sample")
    return samples.groupby("problem_id")["correct"].mean()


def _difference(styled: str, plain: str, settings: ReportSettings, key: tuple[str, ...]) -> str:
    a, b = _per_problem(styled), _per_problem(plain)
    problems = a.index.intersection(b.index).sort_values()
    if len(problems) < 2:
        return "–"
    rng = np.random.default_rng([settings.bootstrap_seed, zlib.crc32("\x1f".join(key).encode())])
    result = compare(a[problems].to_numpy()[None, :] * 100, b[problems].to_numpy()[None, :] * 100,
                     settings.equivalence_margin, settings.resamples, rng, settings.alpha, seeds=False)
    d = settings.decimals
    if np.isnan(result.p_two_sided):
        return f"{result.difference:+.{d}f} (no variation)"
    return (f"{result.difference:+.{d}f} [{result.ci_low:+.{d}f}, {result.ci_high:+.{d}f}], "
            f"p={result.p_two_sided:.3g}")


def _cell(row: pd.Series, decimals: int) -> str:
    failed = int(row.get("failed", 0) or 0)
    text = f"{row['pass@1']:.{decimals}f} ± {row['pass@1_stderr']:.{decimals}f}"
    return text + (f" ({failed} failed)" if failed else "")


def table(prompted: pd.DataFrame, samples: dict[tuple[str, ...], str], students: pd.DataFrame,
          settings: ReportSettings) -> pd.DataFrame:
    """One row per teacher × dataset × benchmark: each baseline plainly, with the style prompt, and the difference;
    then each family's untuned and fine-tuned cells (`students`: the scores table, mean over training seeds)."""
    d = settings.decimals
    styled = prompted[prompted["prompt"] == "style"]
    rows_of = set(styled[["teacher", "dataset", "benchmark"]].itertuples(index=False, name=None))
    rows_of |= {("", "", b) for b in set(prompted["benchmark"]) - set(styled["benchmark"])}  # asked plainly only
    plain = prompted[prompted["prompt"] == "plain"].set_index(["baseline", "benchmark"])
    styled = styled.set_index(["baseline", "teacher", "dataset", "benchmark"])
    tuned = students.groupby(["family", "teacher", "dataset", "variant", "benchmark"])["pass@1"].mean()
    base = students[students["variant"] == BASE].groupby(["family", "benchmark"])["pass@1"].mean()
    rows = []
    for teacher, dataset, benchmark in sorted(rows_of, key=lambda r: (r[2], r[0], r[1])):
        row: dict[str, str] = {"teacher": teacher, "dataset": dataset, "benchmark": benchmark}
        for baseline in sorted(prompted["baseline"].unique()):
            if (baseline, benchmark) in plain.index:
                row[f"{baseline} (plain)"] = _cell(plain.loc[(baseline, benchmark)], d)
            if (baseline, teacher, dataset, benchmark) in styled.index:
                key = (baseline, teacher, dataset, benchmark)
                row[f"{baseline} + style"] = _cell(styled.loc[key], d)
                row[f"{baseline}: style − plain"] = _difference(samples[("style", *key)],
                                                                 samples[("plain", baseline, benchmark)], settings, key)
        for family in sorted(students["family"].unique()):
            for variant in BESIDE:
                value = base.get((family, benchmark)) if variant == BASE else tuned.get(
                    (family, teacher, dataset, variant, benchmark))
                known = value is not None and not pd.isna(value)
                row[f"{family} {variant}"] = f"{value:.{d}f}" if known else "–"
        rows.append(row)
    out = pd.DataFrame(rows)
    if out["teacher"].nunique() <= 1 and out["dataset"].nunique() <= 1:
        out = out.drop(columns=["teacher", "dataset"])
    return out.fillna("–")

