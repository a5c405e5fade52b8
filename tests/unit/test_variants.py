from __future__ import annotations

import pandas as pd

from styledistill.grading.answers import grade_answer
from styledistill.variants.build import align
from styledistill.variants.settings import AlignSettings
from styledistill.variants.wrong import wrong_answer


def test_wrong_answers_are_near_deterministic_and_graded_wrong():
    for gold in ["7", "156", "0", "-12", "2.5", "\\frac{3}{4}", "3\\sqrt{2}"]:
        wrong = wrong_answer(gold, "p1", seed=0)
        assert wrong is not None and wrong == wrong_answer(gold, "p1", seed=0)
        assert not grade_answer(f"\\boxed{{{wrong}}}", gold).correct, (gold, wrong)
    assert abs(int(wrong_answer("156", "p1", 0)) - 156) <= 31
    assert wrong_answer("x", "p1", 0) is None  # nothing numeric to perturb


def _raw(variant, statuses):
    return pd.DataFrame({"problem_id": [f"p{i}" for i in range(len(statuses))], "variant": variant,
                         "status": statuses})


def test_align_keeps_problems_every_variant_built():
    raw = {"A": _raw("A", ["ok", "ok", "ok", "ok"]), "B": _raw("B", ["ok", "missed_target", "ok", "ok"]),
           "C": _raw("C", ["ok", "ok", "truncated", "ok"])}
    aligned, summary = align(raw, AlignSettings())
    assert all(list(df["problem_id"]) == ["p0", "p3"] for df in aligned.values())
    assert summary["problems"] == 2 and summary["per_variant"]["B"] == {"ok": 3, "missed_target": 1}
    capped, _ = align(raw, AlignSettings(size=1))
    assert len({tuple(df["problem_id"]) for df in capped.values()}) == 1 and len(capped["A"]) == 1
