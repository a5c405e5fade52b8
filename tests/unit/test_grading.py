"""Answer extraction and math-verify grading, on made-up answers, MATH-500 golds and real R1-distill traces."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytest.importorskip("math_verify")

from styledistill.grading import pool  # noqa: E402
from styledistill.grading.answers import (  # noqa: E402
    Grade,
    answer_or_last_paragraph,
    as_number,
    boxed_answer,
    grade_answer,
)
from styledistill.grading.pool import grade_bounded, grade_many  # noqa: E402


def test_boxed() -> None:
    assert grade_answer("So the total is \\boxed{7}.", "7") == Grade(True, "7", "boxed")
    assert grade_answer("First \\boxed{3}, no wait: \\boxed{5}", "5") == Grade(True, "5", "boxed")
    assert grade_answer("\\boxed{17}", "7") == Grade(False, "17", "boxed")
    assert grade_answer("\\fbox{12}", "12").method == "boxed"
    assert grade_answer("the answer is \\boxed 9", "9") == Grade(True, "9", "boxed")


def test_nested_braces() -> None:
    text = "Hence $\\boxed{\\frac{\\sqrt{3}}{2}}$ is the value."
    assert boxed_answer(text) == "\\frac{\\sqrt{3}}{2}"
    assert grade_answer(text, "\\frac{\\sqrt3}{2}") == Grade(True, "\\frac{\\sqrt{3}}{2}", "boxed")
    assert boxed_answer("\\boxed{\\{1, 2\\}}") == "\\{1, 2\\}"
    # an unclosed (truncated) last box falls back to the previous closed one; an empty box is skipped
    assert boxed_answer("\\boxed{4} and then \\boxed{\\frac{1}{") == "4"
    assert boxed_answer("put it in \\boxed{} like \\boxed{8} or \\boxed{ }") == "8"


@pytest.mark.parametrize("text", ["7", "7.0", "\\boxed{7}", "$7$", "The answer is 7.", "$\\boxed{7}$", "7.00"])
def test_plain_numbers_equal(text: str) -> None:
    assert grade_answer(text, "7").correct


@pytest.mark.parametrize("text", ["17", "\\boxed{17}", "0.7", "-7", "Answer: 71"])
def test_plain_numbers_differ(text: str) -> None:
    assert not grade_answer(text, "7").correct


def test_fractions() -> None:
    assert grade_answer("\\boxed{\\frac{1}{2}}", "0.5").correct
    assert grade_answer("\\boxed{0.5}", "\\frac{1}{2}").correct
    assert grade_answer("\\boxed{\\dfrac{1}{2}}", "\\frac{1}{2}").correct
    assert grade_answer("It is 1/2", "0.5") == Grade(True, "1/2", "last_number")
    assert not grade_answer("\\boxed{\\frac{1}{3}}", "\\frac{1}{2}").correct
    assert as_number("$-0.50$") == as_number("-1/2") and as_number("1,234") == 1234 and as_number("x") is None


def test_math500_golds(shared_data: Path) -> None:
    rows = [json.loads(line) for line in (shared_data / "math500.jsonl").read_text().splitlines()]
    latex = [r for r in rows if "\\" in r["answer"]][:5]
    assert len(latex) == 5
    for row in latex:
        text = f"Putting this together, the answer is $\\boxed{{{row['answer']}}}$."
        grade = grade_answer(text, row["answer"])
        assert grade == Grade(True, row["answer"], "boxed"), row["answer"]
    perturbed = {"\\frac{14}{3}": "\\frac{14}{5}", "3\\sqrt{13}": "3\\sqrt{14}",
                 "\\left( 3, \\frac{\\pi}{2} \\right)": "\\left( 3, \\frac{\\pi}{3} \\right)"}
    for row in latex:
        if row["answer"] in perturbed:
            assert not grade_answer(f"\\boxed{{{perturbed[row['answer']]}}}", row["answer"]).correct
    # an equivalent form of a LaTeX gold also grades correct
    assert grade_answer("\\boxed{(3,\\pi/2)}", "\\left( 3, \\frac{\\pi}{2} \\right)").correct


def test_markers() -> None:
    assert grade_answer("Answer: 42", "42") == Grade(True, "42", "marker")
    assert grade_answer("**Final Answer:** $\\frac{3}{4}$", "\\frac{3}{4}") == Grade(True, "$\\frac{3}{4}$", "marker")
    assert grade_answer("The final answer is $5$. I hope it is correct.", "5") == Grade(True, "$5$", "marker")
    assert grade_answer("The answer is:\n\\[\n\\frac{3}{4}\n\\]\n", "0.75").correct
    # a marker followed by nothing answer-like is passed over
    assert grade_answer("The answer is not obvious, but 3 + 4 gives 7", "7") == Grade(True, "7", "last_number")


def test_last_number_fallback() -> None:
    assert grade_answer("She had 12 apples, then 15 more, so 27 in all", "27") == Grade(True, "27", "last_number")
    assert grade_answer("We get 1,450,000 dollars", "1450000") == Grade(True, "1,450,000", "last_number")
    assert grade_answer("We get 26 in the end", "27") == Grade(False, "26", "last_number")


def test_nothing_to_grade() -> None:
    assert grade_answer("", "5") == Grade(False, "", "none")
    assert grade_answer("no digits here at all", "5") == Grade(False, "", "none")
    assert grade_answer(None, "5") == Grade(False, "", "none")  # type: ignore[arg-type]


def test_enormous_answers_are_bounded() -> None:
    start = time.monotonic()
    for text in ["\\boxed{2^{10^{10}}}", "\\boxed{\\binom{10^{7}}{5000000}}", "\\boxed{9^{9^{9}}}",
                 "\\boxed{(10^{100})!}", "\\boxed{\\prod_{k=1}^{10^{7}} k}", "\\boxed{" + "1+" * 2000 + "1}"]:
        assert not grade_answer(text, "5").correct
    assert grade_answer("\\boxed{2^{10^{10}}}", "2^{10^{10}}").correct  # still equal as text
    assert time.monotonic() - start < 5


def test_alarm_bounds_one_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "grade_answer", lambda text, gold: time.sleep(5))
    start = time.monotonic()
    assert grade_bounded("so \\boxed{3}", "3", seconds=0.2) == Grade(False, "3", "boxed")
    assert time.monotonic() - start < 2


def test_answer_or_last_paragraph() -> None:
    assert answer_or_last_paragraph("The answer is 4.", "ignored") == "The answer is 4."
    assert answer_or_last_paragraph("", "First idea.\n\nSo we get \\boxed{9}.\n") == "So we get \\boxed{9}."
    assert answer_or_last_paragraph(None, None) == ""


CASES = [("\\boxed{7}", "7"), ("\\boxed{\\frac{1}{2}}", "0.5"), ("17", "7"), ("Answer: $\\sqrt{2}$", "\\sqrt{2}"),
         ("", "3"), ("x = 4", "4"), ("\\boxed{6 - 5i}", "6-5i"), ("\\boxed{x^2+1}", "1+x^2")] * 12


def test_thread_safety() -> None:
    serial = [grade_answer(t, g) for t, g in CASES]
    with ThreadPoolExecutor(max_workers=8) as threads:
        threaded = list(threads.map(lambda case: grade_answer(*case), CASES))
    assert threaded == serial
    assert [g.correct for g in serial[:8]] == [True, True, False, True, False, True, True, True]


def test_grade_many_process_pool_keeps_order() -> None:
    texts, golds = zip(*CASES)
    serial = grade_many(list(texts), list(golds))
    pooled = grade_many(list(texts), list(golds), processes=2, chunk_size=7, pool_threshold=2)
    assert pooled == serial == [grade_answer(t, g) for t, g in CASES]
    with pytest.raises(ValueError):
        grade_many(["1"], [])


def test_real_r1_distill_traces_agree_with_labels(shared_data: Path) -> None:
    rows = [json.loads(line) for line in (shared_data / "traces_thoughtanchors_cots_math.jsonl").read_text()
            .splitlines()]
    grades = grade_many([r["answer_text"] or "" for r in rows], [r["gold"] for r in rows])
    agree = sum(g.correct == r["correct"] for g, r in zip(grades, rows))
    share = agree / len(rows)
    differ = [(r["id"], r["gold"], g.extracted, r["correct"])
              for g, r in zip(grades, rows) if g.correct != r["correct"]]
    print(f"\nagreement with the traces' labels: {agree}/{len(rows)} = {share:.1%}; disagreements: {differ}")
    assert share >= 0.90
    assert all(g.method == "none" and not g.correct for g, r in zip(grades, rows) if r["answer_text"] is None)
