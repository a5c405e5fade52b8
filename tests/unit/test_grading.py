"""The graders by name, their extraction and comparison, the time limits and the process pool."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

pytest.importorskip("math_verify")

from styledistill.grading import graders  # noqa: E402
from styledistill.grading.extract import boxed, graded_part, tail  # noqa: E402
from styledistill.grading.graders import GRADERS, Grade, Grader, grade  # noqa: E402
from styledistill.grading.numbers import exact_value  # noqa: E402
from styledistill.grading.pool import grade_many, run_bounded  # noqa: E402
from styledistill.grading.second_opinion import canonical, second_opinion  # noqa: E402
from tests.unit import stuck_work  # noqa: E402


def test_boxed() -> None:
    assert grade("math", "So the total is \\boxed{7}.", "7") == Grade(True, "7", "boxed")
    assert grade("math", "\\boxed{17}", "7") == Grade(False, "17", "boxed")
    assert grade("math", "\\fbox{12}", "12").method == "boxed"
    assert grade("math", "the answer is \\boxed 9", "9") == Grade(True, "9", "boxed")


def test_nested_and_unclosed_braces() -> None:
    text = "Hence $\\boxed{\\frac{\\sqrt{3}}{2}}$ is the value."
    assert boxed(text) == "\\frac{\\sqrt{3}}{2}"
    assert boxed("\\boxed{\\{1, 2\\}}") == "\\{1, 2\\}"
    # an unclosed (truncated) last box falls back to the previous closed one; an empty box is skipped
    assert boxed("\\boxed{4} and then \\boxed{\\frac{1}{") == "4"
    assert boxed("put it in \\boxed{} like \\boxed{8} or \\boxed{ }") == "8"


@pytest.mark.parametrize("text", ["7", "7.0", "\\boxed{7}", "$7$", "The answer is 7.", "$\\boxed{7}$", "7.00"])
def test_plain_numbers_equal(text: str) -> None:
    assert grade("math", text, "7").correct


@pytest.mark.parametrize("text", ["17", "\\boxed{17}", "0.7", "-7", "Answer: 71"])
def test_plain_numbers_differ(text: str) -> None:
    assert not grade("math", text, "7").correct


def test_exact_values() -> None:
    assert exact_value("$-0.50$") == exact_value("-1/2") == exact_value("-\\frac{1}{2}")
    assert exact_value("1,234") == 1234 and exact_value("x") is None and exact_value("3/0") is None
    assert exact_value("$18", currency=True) == 18 and exact_value("$18") == 18  # `$` also opens math
    big = exact_value("1" * 5000)  # never converted to int: compared by its canonical digits
    assert isinstance(big, str) and big == exact_value("0" + "1" * 5000 + ".000")


def test_markers_and_last_values() -> None:
    assert grade("math", "Answer: 42", "42") == Grade(True, "42", "marker")
    assert grade("math", "**Final Answer:** $\\frac{3}{4}$", "\\frac{3}{4}") == Grade(True, "\\frac{3}{4}", "marker")
    assert grade("math", "The answer is:\n\\[\n\\frac{3}{4}\n\\]\n", "0.75").correct
    assert grade("math", "She had 12 apples, then 15 more, so 27 in all", "27") == Grade(True, "27", "last_number")
    assert grade("math", "It is 1/2", "0.5") == Grade(True, "1/2", "last_number")
    assert grade("math", "We get $\\frac{14}{3}$ here", "3") == Grade(False, "\\frac{14}{3}", "last_math")


def test_nothing_to_grade() -> None:
    assert grade("math", "", "5") == Grade(False, "", "none")
    assert grade("math", "no digits here at all", "5") == Grade(False, "", "none")
    assert grade("math", None, "5") == Grade(False, "", "none")
    assert grade("math", "\\boxed{5}", "") == Grade(False, "5", "boxed")  # no gold: never correct


def test_graded_part_and_tail() -> None:
    assert graded_part("The answer is 4.", "ignored") == "The answer is 4."
    assert graded_part("", "First idea.\n\nSo we get \\boxed{9}.\n") == "So we get \\boxed{9}."
    assert graded_part(None, None) == ""
    long = "word " * 5000 + "\\boxed{3}"
    assert tail(long).endswith("\\boxed{3}") and len(tail(long)) <= 8000 and tail(long).split()[0] == "word"


def test_enormous_answers_are_bounded() -> None:
    start = time.monotonic()
    for text in ["\\boxed{2^{10^{10}}}", "\\boxed{\\binom{10^{7}}{5000000}}", "\\boxed{9^{9^{9}}}",
                 "\\boxed{(10^{100})!}", "\\boxed{\\prod_{k=1}^{10^{7}} k}", "\\boxed{" + "1+" * 2000 + "1}"]:
        assert not grade("math", text, "5").correct
    assert grade("math", "\\boxed{2^{10^{10}}}", "2^{10^{10}}").correct  # still equal as text
    assert time.monotonic() - start < 5


def test_soft_limit_keeps_the_extraction(monkeypatch: pytest.MonkeyPatch) -> None:
    slow = Grader(GRADERS["math"].extract, lambda extracted, gold, choices: time.sleep(5) or True)
    monkeypatch.setitem(GRADERS, "slow", slow)
    start = time.monotonic()
    assert graders.grade("slow", "so \\boxed{3}", "3", seconds=0.2) == Grade(False, "3", "boxed", "timeout")
    assert time.monotonic() - start < 2


def test_hard_limit_kills_work_no_signal_stops() -> None:
    """A worker stuck past its chunk's limit is killed; the other items of its chunk still get their result."""
    items = [1, 2, "stuck", 4, 5, 6]
    start = time.monotonic()
    out = run_bounded(stuck_work.square_or_hang, items, seconds=0.5, workers=2, over_time="over")
    took = time.monotonic() - start
    assert out == [1, 4, "over", 16, 25, 36]
    assert took < 30, took


def test_choice_by_letter_and_by_option_text() -> None:
    options = ["4", "Paris", "blue whale", "1917"]
    assert grade("choice", "It must be Paris.", "B", options) == Grade(True, "B", "option_text")
    assert grade("choice", "\\boxed{blue whale}", "C", options) == Grade(True, "C", "boxed")
    assert grade("choice", "Answer: (E)", "A", options).extracted == ""  # only four options: E is not one
    assert grade("choice", "The answer is B", "Paris", options).correct  # a gold given as the option's text


CASES = [("\\boxed{7}", "7"), ("\\boxed{\\frac{1}{2}}", "0.5"), ("17", "7"), ("Answer: $\\sqrt{2}$", "\\sqrt{2}"),
         ("", "3"), ("x = 4", "4"), ("\\boxed{6 - 5i}", "6-5i"), ("\\boxed{x^2+1}", "1+x^2")] * 12


def test_thread_safety() -> None:
    serial = [grade("math", t, g) for t, g in CASES]
    with ThreadPoolExecutor(max_workers=8) as threads:
        threaded = list(threads.map(lambda case: grade("math", *case), CASES))
    assert threaded == serial
    assert [g.correct for g in serial[:8]] == [True, True, False, True, False, True, True, True]


def test_grade_many_pool_keeps_order_and_matches_serial() -> None:
    texts, golds = zip(*CASES)
    serial = grade_many("math", list(texts), list(golds), seconds=10)
    pooled = grade_many("math", list(texts), list(golds), seconds=10, workers=2, pool_threshold=2)
    assert pooled == serial
    assert [g.grade for g in serial] == [grade("math", t, g) for t, g in CASES]
    with pytest.raises(ValueError):
        grade_many("math", ["1"], [], seconds=10)


def test_second_opinion_is_its_own_reading() -> None:
    assert canonical("$\\dfrac{6}{4}$") == "3/2" and canonical("1,000.0 dollars") == "1000"
    assert canonical("x = \\sqrt3") == "\\sqrt{3}" and canonical("-0.50") == "-1/2"
    assert second_opinion("Answer: -5", "5", "math").correct is False
    assert second_opinion("#### 1,000", "1000", "number").correct is True
    assert second_opinion("\\boxed{025}", "25", "integer").correct is True
    assert second_opinion("\\boxed{2.5}", "2.5", "integer").correct is False
    assert second_opinion("The answer is (C).", "C", "choice").correct is True
