from __future__ import annotations

import pandas as pd

from styledistill.grading.graders import grade
from styledistill.variants.align import aligned_problems
from styledistill.variants.settings import AlignSettings
from styledistill.variants.wrong import wrong_answer


def test_wrong_answers_are_near_deterministic_and_graded_wrong():
    for gold in ["7", "156", "0", "-12", "2.5", "\\frac{3}{4}", "3\\sqrt{2}"]:
        wrong = wrong_answer(gold, "p1", 0, "math")
        assert wrong is not None and wrong == wrong_answer(gold, "p1", 0, "math")
        assert not grade("math", f"\\boxed{{{wrong}}}", gold).correct, (gold, wrong)
    assert abs(int(wrong_answer("156", "p1", 0, "integer")) - 156) <= 31
    assert wrong_answer("x", "p1", 0, "math") is None  # nothing numeric to perturb


def _raw(variant, statuses):
    return pd.DataFrame({"problem_id": [f"p{i}" for i in range(len(statuses))], "variant": variant,
                         "status": statuses})


def test_align_keeps_problems_every_variant_built():
    raw = {"A": _raw("A", ["ok", "ok", "ok", "ok"]), "B": _raw("B", ["ok", "missed_target", "ok", "ok"]),
           "C": _raw("C", ["ok", "ok", "truncated", "ok"])}
    summary = aligned_problems(raw, AlignSettings())
    assert summary["problem_ids"] == ["p0", "p3"] and summary["problems_built_by_all"] == 2
    assert summary["statuses"]["B"] == {"ok": 3, "missed_target": 1} and summary["lost"] == {"A": 0, "B": 1, "C": 1}
    assert len(aligned_problems(raw, AlignSettings(size=1))["problem_ids"]) == 1


def test_the_size_cap_is_stable_when_a_spare_problem_is_lost():
    """Capped at 5 of 40: losing a problem outside the kept 5 keeps the same 5 (nothing downstream reruns)."""
    statuses = ["ok"] * 40
    kept = aligned_problems({"A": _raw("A", statuses)}, AlignSettings(size=5))["problem_ids"]
    spare = next(i for i in range(40) if f"p{i}" not in kept)
    statuses[spare] = "style_rejected"
    assert aligned_problems({"A": _raw("A", statuses)}, AlignSettings(size=5))["problem_ids"] == kept
    assert aligned_problems({"A": _raw("A", ["ok"] * 40)}, AlignSettings(size=5, seed=1))["problem_ids"] != kept
