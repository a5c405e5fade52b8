"""The measurement chain against planted truth: traces of a simulated teacher, whose style is known, measured by the
features stage, summarised by the profile, judged by the style check, edited by the ablations."""

from __future__ import annotations

import json
from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest

from styledistill.features import stats
from styledistill.simulation.recovery import pivot_recovery, stage_agreement
from styledistill.simulation.simulate_traces import simulate
from styledistill.style import profile as profiles
from styledistill.style.extract import extract
from styledistill.style.lexicon import PIVOT_TYPES, resolve
from styledistill.style.pivots import PivotMatcher
from styledistill.style.settings import MeasureSettings, StyleCheck
from styledistill.style.style_check import style_distance
from styledistill.variants.context import BuildContext
from styledistill.variants.kinds import KINDS
from tests.unit.test_simulated_teacher import problems, style

pytest.importorskip("spacy")


def measured(traces: pd.DataFrame, planted: pd.DataFrame, lexicon: str = "r1") -> pd.DataFrame:
    frame = traces.assign(correct=planted["correct"].to_numpy())
    return extract(frame, MeasureSettings.from_spec({"lexicon": lexicon}, "test"), progress=False)


@pytest.mark.parametrize("lexicon", ["r1", "paper"])
def test_features_recover_the_planted_pivots_stages_and_backtracking(lexicon: str) -> None:
    traces, planted = simulate(problems(100), style(n_samples=3, lexicon=lexicon))
    features = measured(traces, planted, lexicon)
    recovery = pivot_recovery(planted["pivot_spans"], features["pivot_spans"])
    agreement = stage_agreement(planted["stage_spans"], features["stage_spans"], traces["reasoning"].str.len())
    same_backtracking = (features["backtracking"].to_numpy() == planted["backtracking"].to_numpy()).mean()
    print(f"\n{lexicon}: {recovery.to_string()}\nstage agreement {agreement:.3f}; backtracking equal in "
          f"{same_backtracking:.1%} of traces")
    assert (recovery["planted"] > 50).all()
    assert (recovery["precision"] >= 0.95).all() and (recovery["recall"] >= 0.95).all()
    assert agreement >= 0.95  # measured: 0.989 (r1), 0.988 (paper)
    assert same_backtracking >= 0.95  # measured: 100%


def _has_at_least(rates: list[float], k: int) -> float:
    """P(at least k of independent events with these probabilities)."""
    total = 0.0
    for n in range(k, len(rates) + 1):
        for chosen in combinations(range(len(rates)), n):
            total += float(np.prod([rates[i] if i in chosen else 1 - rates[i] for i in range(len(rates))]))
    return total


def _planted_shares(planted: pd.DataFrame, traces: pd.DataFrame) -> pd.DataFrame:
    """Per trace, each planted stage's share of the reasoning's words."""
    rows = []
    for spans, text in zip(planted["stage_spans"], traces["reasoning"]):
        words = {stage: len(text[start:end].split()) for start, end, stage in json.loads(spans)}
        total = sum(words.values())
        rows.append({stage: n / total for stage, n in words.items()})
    return pd.DataFrame(rows)


def test_the_profile_lies_within_intervals_of_the_planted_rates() -> None:
    teacher = style(n_samples=4, wrong=0.0)
    traces, planted = simulate(problems(100), teacher)
    profile = profiles.build(measured(traces, planted), MeasureSettings.from_spec({"lexicon": "r1"}, "test"))
    n = profile["n_traces"]
    assert n == len(traces) == 400
    rates = [getattr(teacher.pivots, kind) for kind in PIVOT_TYPES]
    for kind, rate in zip(PIVOT_TYPES, rates):
        share = profile["pivots"][kind]["share_of_traces"]
        interval = binomtest(round(share * n), n, rate).proportion_ci(0.999)
        print(f"{kind}: planted {rate:.2f}, profile {share:.3f}, 99.9% interval [{interval.low:.3f}, "
              f"{interval.high:.3f}]")
        assert interval.low <= rate <= interval.high
    expected = _has_at_least(rates, profile["min_types"])
    share = profile["coverage"]["share_min_types"]
    interval = binomtest(round(share * n), n, expected).proportion_ci(0.999)
    assert interval.low <= expected <= interval.high
    planted_shares = _planted_shares(planted, traces).median()
    for stage in ("framing", "exploration", "verification", "synthesis"):
        ours = profile["stages"]["share_median"][stage]
        print(f"{stage}: planted median share {planted_shares[stage]:.3f} (of words), profile {ours:.3f} (of tokens)")
        assert abs(ours - planted_shares[stage]) <= 0.05
    assert profile["stages"]["typical_order"] == "F>E>V>S" and profile["stages"]["typical_order_share"] >= 0.95


def _rejections(scale: float, simulations: int) -> tuple[float, float]:
    """Across seeded simulations of 160 traces: the share in which the features stage finds the pivot-type coverage
    of correct and incorrect traces different (q < 0.05), and the share in which it finds any feature different."""
    coverage = anything = 0
    for seed in range(simulations):
        teacher = style(n_samples=4, wrong=0.3, wrong_pivot_scale=scale, seed=seed)
        traces, planted = simulate(problems(40, seed=100 + seed), teacher)
        table = stats.compare(measured(traces, planted), profiles.NUMERIC_FEATURES, 200, seed)
        significant = table[table["q"] < 0.05]
        coverage += "pivot_types" in set(significant["feature"])
        anything += len(significant) > 0
    return coverage / simulations, anything / simulations


def test_the_statistics_find_the_planted_difference_and_nothing_where_none_was_planted() -> None:
    found, _ = _rejections(0.5, 40)
    _, false_alarms = _rejections(1.0, 40)
    print(f"\nwrong traces with half the pivot rates: pivot-type coverage differs (q < 0.05) in {found:.0%} of "
          f"simulations; nothing planted: some feature differs in {false_alarms:.0%}")
    assert found >= 0.8  # measured: 40 of 40
    assert false_alarms <= 0.2  # measured: 3 of 40 (BH across the features keeps it near 5%)


OTHER_STYLES = {
    "no pivots": {"pivots": {kind: 0.0 for kind in PIVOT_TYPES}},
    "no pivots, 4x longer": {"pivots": {kind: 0.0 for kind in PIVOT_TYPES}, "length": {"median": 400}},
    "synthesis only": {"stage_order": ["synthesis"], "stage_shares": {"synthesis": 1.0}},
    "4x longer": {"length": {"median": 400}},
    "pivot rates 0.2": {"pivots": {kind: 0.2 for kind in PIVOT_TYPES}},
    "half as long": {"length": {"median": 30, "min_words": 10}},
    "no verification stage": {"stage_order": ["framing", "exploration", "synthesis"],
                              "stage_shares": {"framing": 0.2, "exploration": 0.6, "synthesis": 0.2}},
}
# Styles no single trace of the teacher's resembles: every one rejected. The others overlap the teacher's spread
# trace by trace (some of its own traces are long, or carry one pivot type), so the check rejects them in part.
FAR = ("no pivots", "no pivots, 4x longer", "synthesis only")


def test_the_style_check_accepts_its_own_style_and_rejects_others() -> None:
    traces, planted = simulate(problems(100, seed=5), style(n_samples=3, wrong=0.0))
    profile = profiles.build(measured(traces, planted), MeasureSettings.from_spec({"lexicon": "r1"}, "test"))

    def accepted(**overrides: object) -> float:
        held, plant = simulate(problems(60, seed=6), style(n_samples=2, wrong=0.0, seed=1, **overrides))
        return float(style_distance(measured(held, plant), profile, StyleCheck())["style_accepted"].mean())

    own = accepted()
    others = {name: accepted(**overrides) for name, overrides in OTHER_STYLES.items()}
    print(f"\nstyle check (default): held-out traces of the teacher's style accepted {own:.1%}; "
          + "; ".join(f"{name} {share:.1%}" for name, share in others.items()))
    assert own >= 0.9  # measured: 95.8%
    assert all(others[name] <= 0.05 for name in FAR)  # measured: 0% each
    assert all(share <= 0.6 for share in others.values())  # measured: 15% to 48%


def _ablation(kind: str, source: pd.DataFrame, profile: dict, reference: pd.DataFrame | None = None,
              **settings: object) -> pd.DataFrame:
    variant = KINDS[kind].settings.from_spec({"kind": kind, **settings}, "test")
    ctx = BuildContext(variant=kind, settings=variant, source=source, grader="integer", profile=profile,
                       reference=reference)
    return KINDS[kind].build(ctx)


def _st(traces: pd.DataFrame) -> pd.DataFrame:
    return traces[["problem_id", "question", "gold", "reasoning", "answer_text"]]


def test_the_ablations_act_on_the_planted_style() -> None:
    traces, planted = simulate(problems(60), style(n_samples=1, wrong=0.0))
    settings = MeasureSettings.from_spec({"lexicon": "r1"}, "test")
    profile = profiles.build(measured(traces, planted), settings)

    stripped = _ablation("pivot_stripped", _st(traces), profile)
    matcher = PivotMatcher(*resolve("r1"))
    assert stripped["reasoning"].map(matcher.find).map(len).eq(0).all()
    assert stripped["pivots_removed"].tolist() == planted["pivot_spans"].map(lambda v: len(json.loads(v))).tolist()
    for text, spans in zip(stripped["reasoning"], planted["pivot_spans"]):
        assert not any(f"{phrase}," in text for _, _, _, phrase in json.loads(spans))

    shuffled = _ablation("stage_shuffled", _st(traces), profile, seed=3)
    changed = 0
    for text, original, spans in zip(shuffled["reasoning"], traces["reasoning"], planted["stage_spans"]):
        firsts = [original[start:end].strip().split("\n\n")[0] for start, end, _ in json.loads(spans)]
        positions = [text.find(first) for first in firsts]
        assert min(positions) >= 0
        changed += positions != sorted(positions)
    print(f"\nST-SS: the planted stage order changed in {changed} of {len(traces)} traces")
    assert changed == len(traces)

    long, plant_long = simulate(problems(60), style(n_samples=1, wrong=0.0, length={"median": 250}))
    matched = _ablation("length_matched", _st(long), profile, reference=_st(traces), input="ST")
    reference_words = measured(traces, planted)["words"]
    before = measured(long, plant_long)["words"]
    print(f"ST-HC-LM: median words {before.median():.0f} -> {matched['words'].median():.0f} (target: ST's "
          f"{reference_words.median():.0f})")
    gap = (matched["words"] - matched["length_target"]).abs()
    print(f"ST-HC-LM: {(gap <= 20).mean():.0%} of traces within 20 words of their target (median gap "
          f"{gap.median():.0f})")
    assert (gap <= 20).mean() >= 0.95  # a trim lands on a sentence end
    assert abs(matched["words"].median() - reference_words.median()) <= 0.1 * reference_words.median()
