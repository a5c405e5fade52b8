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


def _leveled(variant: str, fails: set[int], n: int = 40) -> pd.DataFrame:
    """Raw examples of problems p0..p<n-1> whose level is i % 5 + 1; the levels in `fails` are not built."""
    return pd.DataFrame({"problem_id": [f"p{i:02d}" for i in range(n)], "variant": variant,
                         "status": ["missed_target" if i % 5 + 1 in fails else "ok" for i in range(n)]})


def test_a_weak_variant_curates_the_aligned_set_unless_it_is_left_out_of_align_on():
    """SBS fails the level-4 and -5 problems: aligned on all variants, the set loses them (alignment.md shows the
    mean level drop against ST); aligned on ST and ST-HC, the set keeps them and SBS reports 60% coverage."""
    from styledistill.variants.align import minimum
    from styledistill.variants.alignment_report import alignment_markdown

    raw = {"ST": _leveled("ST", set()), "ST-HC": _leveled("ST-HC", set()), "SBS": _leveled("SBS", {4, 5})}
    problems = pd.DataFrame({"problem_id": [f"p{i:02d}" for i in range(40)], "level": [i % 5 + 1 for i in range(40)],
                             "source": "test"})
    st = pd.DataFrame({"problem_id": problems["problem_id"]})
    curated = aligned_problems(raw, AlignSettings())
    assert len(curated["problem_ids"]) == 24 and curated["coverage"]["SBS"] == 1.0
    report = alignment_markdown(curated, minimum(curated, AlignSettings()), problems, st)
    assert "| ST (correct traces) | 40 | 3.00 |" in report and "| aligned | 24 | 2.00 |" in report
    assert "| SBS | yes | 40 | 24 | 16 | 100% | missed_target 16 |" in report
    kept = aligned_problems(raw, AlignSettings(align_on=["ST", "ST-HC"]))
    assert len(kept["problem_ids"]) == 40 and kept["coverage"]["SBS"] == 0.6
    assert "| aligned | 40 | 3.00 |" in alignment_markdown(kept, 20, problems, st)


def test_min_size_is_a_share_of_the_size():
    from styledistill.variants.align import minimum

    summary = {"problems_offered": 40}
    assert minimum(summary, AlignSettings(size=30)) == 15 and minimum(summary, AlignSettings()) == 20
    assert minimum(summary, AlignSettings(size=100, min_size=0.9)) == 36  # of what was offered, when fewer


def test_a_copied_example_takes_its_st_trace_features_and_a_new_text_is_measured():
    """measure_reusing gives what measuring every example would: a copied reasoning takes its ST trace's features
    (its own answer counted), a new reasoning is measured."""
    import pytest

    from styledistill.errors import UserError
    from styledistill.features.settings import FeatureSettings
    from styledistill.style import profile as profiles
    from styledistill.style.extract import extract
    from styledistill.style.style_check import measure
    from styledistill.variants.summary import StTraces, measure_reusing, reasoning_hashes, st_features

    texts = ["First add.\n\nWait, let me check: 3 + 4 is 7.\n\nSo 7.", "Hmm, 6 * 7.\n\nActually it is 42.",
             "Count down.\n\nLet me verify: 10 - 7 = 3."]
    st = pd.DataFrame({"problem_id": ["a", "b", "c"], "sample": [1, 0, 2], "reasoning": texts,
                       "answer_text": ["\\boxed{7}", "\\boxed{42}", "\\boxed{3}"]})
    features = extract(st.assign(correct=True, truncated=False), FeatureSettings(), progress=False)
    profile = profiles.build(features, FeatureSettings())
    theirs = st_features(st, features.sample(frac=1, random_state=0), "features.parquet")  # any order in the file
    assert list(theirs["problem_id"]) == ["a", "b", "c"]
    examples = pd.DataFrame({"problem_id": ["c", "x", "a"], "reasoning": [texts[2], "A new text, no pivots.", texts[0]],
                             "answer_text": ["\\boxed{3}", "\\boxed{1}", "The final answer is $\\boxed{7}$."]})
    ours = measure_reusing(examples, StTraces(theirs, reasoning_hashes(st)), profile)
    direct = measure(examples, profile)
    assert list(ours["problem_id"]) == ["c", "x", "a"] and ours["answer_tokens"].iloc[2] > 4
    columns = [c for c in direct.columns if c not in ("sample", "correct", "truncated")]
    pd.testing.assert_frame_equal(ours[columns].astype(object).fillna(-1), direct[columns].astype(object).fillna(-1),
                                  check_dtype=False)  # None and NaN are both "no value"
    with pytest.raises(UserError, match="features.parquet: no features for ST trace .problem 'c', sample 2.; 1 of 3"):
        st_features(st, features.iloc[:2], "features.parquet")
