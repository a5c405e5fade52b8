"""The comparisons table: every contrast A − B of the report settings, per family × teacher × dataset × benchmark
(and suite), from the evaluations' samples, with its interval, tests, variance parts and verdict (report/paired.py
for the statistics, docs/statistics.md for the reading)."""

from __future__ import annotations

import zlib
from collections import defaultdict
from dataclasses import asdict
from typing import Any

import numpy as np
import pandas as pd

from styledistill.markdown import frame
from styledistill.report.paired import adjust, compare, verdict
from styledistill.report.settings import BASE, Contrast, ReportSettings

INTRO = ("Each contrast A − B in points of {score} pass@1 on the same problems; 95% interval from a paired "
         "hierarchical bootstrap ({resamples} resamples: problems, then training seeds); *p (claim)*: the "
         "test of the claim's direction (≈: TOST at ±{margin}), *p adj.*: {correction} across the table; "
         "*SE problems*: standard error over problems of the paired difference; *SD seeds*: "
         "seed-to-seed SD of a variant's score (– with one seed: the interval then holds no seed "
         "variance); *MDE*: the smallest difference this comparison finds with 80% power. Verdicts use "
         "the adjusted tests at alpha {alpha} (docs/statistics.md).")
ROW_KEYS = ["family", "teacher", "dataset", "benchmark"]
COLUMNS = [*ROW_KEYS, "pooled", "contrast", "a", "b", "claim", "seeds_a", "seeds_b", "problems", "difference",
           "se", "ci_low", "ci_high", "p", "p_adjusted", "p_two_sided", "p_difference_adjusted", "p_equivalent",
           "p_equivalent_adjusted", "problem_se", "seed_sd", "mde", "verdict"]
# A cell's scores: per training seed, each problem's share of correct samples (in points).
Cell = dict[int, pd.Series]


def cells(evaluations: list[dict[str, Any]], score: str) -> dict[tuple[str, ...], Cell]:
    """(family, teacher, dataset, variant, benchmark) -> seed -> per-problem accuracy (points), from each
    evaluation's labels and `samples` (problem_id and the 0/1 `score` column); the base student has no teacher or
    dataset."""
    table: dict[tuple[str, ...], Cell] = defaultdict(dict)
    for evaluation in evaluations:
        key = tuple(str(evaluation.get(k) or "") for k in ("family", "teacher", "dataset", "variant", "benchmark"))
        if key[3] == BASE:  # one base student per family, whatever teacher or dataset its labels name
            key = (key[0], "", "", BASE, key[4])
        samples = evaluation["samples"]
        correct = samples[score].fillna(False).astype(float) * 100
        table[key][int(evaluation.get("seed") or 0)] = correct.groupby(samples["problem_id"]).mean()
    return dict(table)


def _matrix(cell: Cell, problems: pd.Index) -> np.ndarray:
    return np.vstack([cell[seed].reindex(problems).to_numpy() for seed in sorted(cell)])


def _pooled(table: dict[tuple[str, ...], Cell], family: str, teacher: str, dataset: str, variant: str,
            benchmarks: list[str]) -> Cell | None:
    """A variant's cell over several benchmarks at once (problem ids prefixed by the benchmark); None when one is
    missing or the seeds differ between them."""
    if variant == BASE:
        teacher = dataset = ""
    parts = [table.get((family, teacher, dataset, variant, b)) for b in benchmarks]
    if any(part is None for part in parts) or len({tuple(sorted(part)) for part in parts}) != 1:
        return None
    return {seed: pd.concat([part[seed].rename(lambda p, b=b: f"{b}/{p}") for b, part in zip(benchmarks, parts)])
            for seed in parts[0]}


def _rng(settings: ReportSettings, *key: str) -> np.random.Generator:
    """One stream per row: adding a contrast or a benchmark leaves every other row's numbers as they were."""
    return np.random.default_rng([settings.bootstrap_seed, zlib.crc32("\x1f".join(key).encode())])


def _row(settings: ReportSettings, contrast: Contrast, ids: dict[str, str], pooled: str, a: Cell,
         b: Cell) -> dict | None:
    problems = a[min(a)].index
    for cell in (a, b):
        for series in cell.values():
            problems = problems.intersection(series.dropna().index)
    if len(problems) == 0:
        return None
    problems = problems.sort_values()
    result = compare(_matrix(a, problems), _matrix(b, problems), settings.equivalence_margin, settings.resamples,
                     _rng(settings, *ids.values(), contrast.name), settings.alpha)
    stats = asdict(result)
    claim_p = {"better": result.p_greater, "worse": result.p_less, "equivalent": result.p_equivalent}[contrast.claim]
    return {**ids, "pooled": pooled, "contrast": contrast.name, "a": contrast.a, "b": contrast.b,
            "claim": contrast.claim, **stats, "p": claim_p}


def comparisons(evaluations: list[dict[str, Any]], settings: ReportSettings, score: str) -> pd.DataFrame:
    """One row per family × teacher × dataset × (benchmark or suite) × contrast whose two cells were evaluated."""
    table = cells(evaluations, score)
    benchmarks = sorted({key[4] for key in table})
    groups = [(b, "", [b]) for b in benchmarks]
    groups += [(name, " + ".join(members), members) for name, members in settings.suites.items()
               if set(members) <= set(benchmarks)]
    trainings = sorted({key[:3] for key in table if key[3] != BASE})
    rows = []
    for family, teacher, dataset in trainings:
        for name, pooled, members in groups:
            ids = {"family": family, "teacher": teacher, "dataset": dataset, "benchmark": name}
            for contrast in settings.contrasts or []:
                a = _pooled(table, family, teacher, dataset, contrast.a, members)
                b = _pooled(table, family, teacher, dataset, contrast.b, members)
                row = (a is not None and b is not None) and _row(settings, contrast, ids, pooled, a, b)
                if row:
                    rows.append(row)
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame(columns=COLUMNS)
    frame["p_adjusted"] = adjust(frame["p"].tolist(), settings.correction)
    frame["p_difference_adjusted"] = adjust(frame["p_two_sided"].tolist(), settings.correction)
    frame["p_equivalent_adjusted"] = adjust(frame["p_equivalent"].tolist(), settings.correction)
    margin = f"{settings.equivalence_margin:g}"
    frame["verdict"] = [verdict(d, p2, pe, margin, settings.alpha) for d, p2, pe in
                        zip(frame["difference"], frame["p_difference_adjusted"], frame["p_equivalent_adjusted"])]
    return frame[COLUMNS]


def _p(value: float) -> str:
    return "" if pd.isna(value) else ("<0.001" if value < 0.001 else f"{value:.3f}")


def _number(value: float, decimals: int) -> str:
    return "–" if pd.isna(value) else f"{value:.{decimals}f}"


def readable(frame: pd.DataFrame, decimals: int) -> pd.DataFrame:
    """The table a person reads: one line per comparison, the interval in one cell."""
    if frame.empty:
        return pd.DataFrame()
    ids = [c for c in ("family", "teacher", "dataset") if frame[c].nunique() > 1 or c == "family"]
    view = frame[ids + ["benchmark"]].copy()
    view["contrast"] = frame["contrast"]
    view["claim"] = frame["claim"].map({"better": ">", "worse": "<", "equivalent": "≈"})
    view["Δ [95% CI]"] = [f"{d:+.{decimals}f} [{lo:+.{decimals}f}, {hi:+.{decimals}f}]"
                          for d, lo, hi in zip(frame["difference"], frame["ci_low"], frame["ci_high"])]
    view["seeds"] = [f"{a}/{b}" for a, b in zip(frame["seeds_a"], frame["seeds_b"])]
    view["problems"] = frame["problems"]
    view["SE problems"] = frame["problem_se"].map(lambda v: _number(v, decimals))
    view["SD seeds"] = frame["seed_sd"].map(lambda v: _number(v, decimals))
    view["MDE (80%)"] = frame["mde"].map(lambda v: _number(v, decimals))
    view["p (claim)"] = frame["p"].map(_p)
    view["p adj."] = frame["p_adjusted"].map(_p)
    view["verdict"] = frame["verdict"]
    return view


def comparisons_markdown(compared: pd.DataFrame, settings: ReportSettings) -> str:
    """comparisons.md: what the columns mean, then the readable table."""
    intro = INTRO.format(score=settings.comparison_score, resamples=settings.resamples, alpha=settings.alpha,
                         margin=f"{settings.equivalence_margin:g}", correction=settings.correction)
    table = frame(readable(compared, settings.decimals)) if len(compared) else "(no contrast has both of its cells)"
    return "\n".join(["# Comparisons", "", intro, "", table, ""])
