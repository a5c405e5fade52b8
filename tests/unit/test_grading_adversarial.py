"""The adversarial grading suite: outputs real models write that fool naive graders. Each case states the verdict a
careful human grader would give, and why. No grade may raise or run over the time limit, whatever the text."""

from __future__ import annotations

import time

import pytest

pytest.importorskip("math_verify")

from styledistill.grading.graders import grade  # noqa: E402
from styledistill.grading.pool import grade_many  # noqa: E402
from styledistill.grading.second_opinion import second_opinion  # noqa: E402

SECONDS = 10.0
LOOP = "Let me check this again. Wait, maybe I should recount. " * 1300  # ~72 KB of looping reasoning
HUGE = "9" * 5000

# (grader, output, gold, verdict of a careful human, why)
CASES = [
    # signs after markers
    ("math", "Answer: -5", "5", False, "the sign is part of the answer"),
    ("math", "Answer: -5", "-5", True, "the sign is part of the answer"),
    ("math", "The answer is -50.", "-50", True, "a sentence's full stop is not part of it"),
    ("math", "The answer is −7", "-7", True, "a Unicode minus is a minus"),
    ("number", "#### -3", "-3", True, "GSM8K's own marker with a negative value"),
    ("integer", "Final answer: -1", "1", False, "AMC answers can be negative; the sign counts"),
    ("math", "The answer is - it depends", "5", False, "a dash that starts words is not a number"),
    # units and currency
    ("number", "She makes $18 every day.", "18", True, "currency symbol"),
    ("number", "The answer is \\$18.00.", "18", True, "escaped dollar and cents"),
    ("number", "The answer is 18 dollars.", "18", True, "unit after the number"),
    ("number", "So the total is \\boxed{18 \\text{ dollars}}", "18", True, "unit inside the box"),
    ("number", "The answer is 25%.", "25", True, "a percentage of a percentage question"),
    ("math", "The answer is 42 apples.", "42", True, "trailing words after the answer"),
    ("math", "The angle is $\\boxed{30^\\circ}$.", "30", True, "degrees"),
    ("number", "The answer is 19 dollars.", "18", False, "a different amount"),
    ("number", "The answer is $\\$18$.", "18", True, "an escaped dollar inside math"),
    ("number", "#### $\\$18$", "18", True, "an escaped dollar after GSM8K's marker"),
    ("number", "The answer is $18, which is $2 more than last week.", "18", True, "two prices in one sentence"),
    ("number", "\\boxed{5 supercalifragilisticexpialidocious!}", "5", True, "a long word after the number"),
    ("number", "Answer: Tom has 12 apples", "12", True, "the number inside a sentence after the marker"),
    ("number", "To get the answer: add them.\nSo 5 + 7 = 12.\nTom has 12 apples.", "12", True,
     "a marker followed by words, the answer later"),
    # hedges
    ("math", "The answer is 5 or 6.", "5", False, "a hedge between two values is not an answer"),
    ("integer", "The answer is 12 if n is even and 13 otherwise.", "12", False, "a conditional answer"),
    ("math", "The answer is:\n- 42", "42", True, "a bullet is not a minus sign"),
    ("math", "The answer is:\n- 42", "-42", False, "a bullet is not a minus sign"),
    # lists and thousands separators
    ("number", "The answer is 1,000.", "1000", True, "thousands separator"),
    ("number", "So \\boxed{1{,}234{,}567}", "1234567", True, "LaTeX thousands separators"),
    ("number", "We get 1,450,000 dollars", "1450000", True, "grouping in the last number"),
    ("math", "The solutions are $\\boxed{2, 5}$", "2, 5", True, "a list answer in one box"),
    ("math", "The solutions are $\\boxed{2, 5}$", "2", False, "a list is not one of its members"),
    ("math", "The roots are \\boxed{2} and \\boxed{5}.", "2, 5", True, "two boxes in the final sentence: the list"),
    ("number", "The answer is 1,00.", "100", False, "1,00 is not a thousands grouping"),
    # trailing words and sentences
    ("math", "The final answer is $5$. I hope it is correct.", "5", True, "a closing remark"),
    ("math", "Therefore, the answer is therefore 12.", "12", True, "filler word after the marker"),
    ("math", "The answer is 7, since 3 + 4 = 7.", "7", True, "a reason after the answer"),
    ("math", "The answer is not obvious, but 3 + 4 gives 7", "7", True, "a marker without an answer is passed over"),
    # several boxed answers
    ("math", "First I thought \\boxed{3}.\n\nNo wait, recounting gives \\boxed{5}.", "5", True,
     "the last paragraph's box supersedes an earlier one"),
    ("math", "First I thought \\boxed{3}.\n\nNo wait, recounting gives \\boxed{5}.", "3", False,
     "the superseded answer is not the answer"),
    ("math", "It is either \\boxed{3} or \\boxed{5}.", "3", False, "hedging between two answers is not an answer"),
    ("math", "So $\\boxed{4}$, i.e. \\boxed{4}.", "4", True, "the same answer boxed twice"),
    ("math", "so x = 3. \\boxed{3} Wait, actually \\boxed{4}", "4", True, "a corrected box in the same paragraph"),
    # LaTeX variants
    ("math", "\\boxed{\\dfrac{1}{2}}", "\\frac{1}{2}", True, "dfrac"),
    ("math", "\\boxed{\\tfrac12}", "\\frac{1}{2}", True, "tfrac without braces"),
    ("math", "\\boxed{\\left( 3, \\frac{\\pi}{2} \\right)}", "(3,\\frac{\\pi}{2})", True, "\\left( \\right)"),
    ("math", "\\boxed{\\frac{\\sqrt{3}}{2}}", "\\frac{\\sqrt3}{2}", True, "sqrt with and without braces"),
    ("math", "\\boxed{0.5}", "\\frac{1}{2}", True, "decimal for a fraction"),
    ("math", "\\boxed{\\frac{1}{3}}", "\\frac{1}{2}", False, "a different fraction"),
    ("math", "The value is $\\frac{14}{3}$.", "3", False, "the denominator of a fraction is not the answer"),
    ("math", "The value is $\\frac{14}{3}$.", "\\frac{14}{3}", True, "the fraction is the answer"),
    ("math", "\\boxed{x = 4}", "4", True, "an equation naming the value"),
    ("math", "\\boxed{6 - 5i}", "6-5i", True, "complex number spacing"),
    ("math", "\\boxed{\\text{(C)}}", "\\text{(C)}", True, "a lettered answer in text"),
    # integer answers (AIME/AMC)
    ("integer", "\\boxed{025}", "25", True, "leading zeros"),
    ("integer", "The answer is 27.0", "27", True, "a whole number written as a decimal"),
    ("integer", "\\boxed{27.5}", "27", False, "not an integer"),
    ("integer", "\\boxed{\\text{204}}", "204", True, "text wrapper"),
    ("integer", "So the answer is $\\boxed{204}$ minutes.", "204", True, "unit after the box"),
    ("integer", "\\boxed{205}", "204", False, "off by one"),
    # multiple choice
    ("choice", "The answer is (C).", "C", True, "parenthesised letter"),
    ("choice", "Answer: C", "C", True, "bare letter after a marker"),
    ("choice", "\\boxed{C}", "C", True, "boxed letter"),
    ("choice", "\\boxed{\\text{(B)}}", "C", False, "another option"),
    ("choice", "So I'll go with option B.", "B", True, "a cue word before the letter"),
    ("choice", "A careful look shows the answer is D", "D", True, "the article A is not an option"),
    ("choice", "Answer: a", "A", False, "a lower-case article after a marker is not an option letter"),
    ("choice", "Answer: I think (B)", "B", True, "the pronoun I is not option I"),
    ("choice", "Therefore the correct choice is B. Option D fails because it ignores friction.", "B", True,
     "the named answer outranks an option discussed after it"),
    # empty and no-answer outputs
    ("math", "", "5", False, "no output"),
    ("math", "   \n\n ", "5", False, "whitespace only"),
    ("math", "I don't know how to solve this.", "5", False, "no answer"),
    ("number", "There is no answer here at all.", "5", False, "no number"),
    ("choice", "I cannot decide.", "A", False, "no letter"),
    ("math", "\\boxed{}", "5", False, "an empty box"),
    # huge numbers
    ("math", f"The answer is {HUGE}", HUGE, True, "a 5,000-digit number equal to the gold"),
    ("math", f"The answer is {HUGE}", "9" * 4999 + "8", False, "a 5,000-digit number that differs in its last digit"),
    ("number", f"#### {HUGE}", "5", False, "a huge wrong number"),
    ("integer", f"\\boxed{{{HUGE}}}", "5", False, "a huge boxed number"),
    ("math", "\\boxed{2^{10^{10}}}", "5", False, "a power tower is not evaluated"),
    ("math", "\\boxed{(10^{100})!}", "5", False, "an enormous factorial is not evaluated"),
    ("math", "1" * 70000, "1", False, "70,000 digits cut by the tail: no number is read from a cut"),
    # looping and truncated outputs of 64 KB and more
    ("math", LOOP, "5", False, "looping reasoning with no answer"),
    ("math", "\\boxed{" * 20000, "5", False, "64 KB of unclosed boxes"),
    ("math", LOOP + "So the answer is \\boxed{5}.", "5", True, "a long loop that ends in an answer"),
    ("math", "\\boxed{5} " + LOOP, "5", False, "an answer 72 KB before the end of a loop is not the final answer"),
    ("math", "$" * 70000, "5", False, "70,000 dollar signs"),
    ("math", "The answer is " * 6000, "5", False, "a looping marker"),
    ("number", "1, " * 25000, "1", True, "a looping list of ones ends in 1"),
    ("math", "\\frac{" * 15000 + "1", "1", False, "unclosed fractions"),
    ("math", "a " + "=" * 9000 + "\\boxed{5}", "5", True, "9,000 characters without a space before the answer"),
    ("math", "The answer is 42." + " " * 2000 + "\n", "42", True, "2,000 trailing spaces"),
    ("math", "Answer: x" + " *" * 900 + " y", "5", False, "a long run of spaced asterisks"),
    ("choice", "(A) " * 20000 + "Answer: B", "B", True, "a long list of options then the answer"),
]


@pytest.mark.parametrize("grader,text,gold,verdict,why", CASES, ids=[c[4] for c in CASES])
def test_verdict(grader: str, text: str, gold: str, verdict: bool, why: str) -> None:
    start = time.monotonic()
    result = grade(grader, text, gold, seconds=SECONDS)
    assert result.status == "graded", why
    assert result.correct is verdict, f"{why}: extracted {result.extracted[:80]!r} by {result.method}"
    assert time.monotonic() - start < 2.0, why


def test_the_worst_grade_is_far_below_the_limit() -> None:
    """Every case, graded through the pool path as a stage grades: no timeouts, and the slowest single grade."""
    worst, worst_case = 0.0, ""
    for grader, text, gold, _, why in CASES:
        start = time.monotonic()
        grade(grader, text, gold, seconds=SECONDS)
        second_opinion(text, gold, grader)
        took = time.monotonic() - start
        if took > worst:
            worst, worst_case = took, why
    print(f"\nworst single grade on the adversarial suite: {worst * 1000:.1f} ms ({worst_case})")
    assert worst < 1.0
    graded = grade_many("math", [c[1] for c in CASES], [c[2] for c in CASES], seconds=SECONDS, workers=2,
                        pool_threshold=2)
    assert all(g.grade.status == "graded" for g in graded)


def test_second_opinion_never_raises() -> None:
    for grader, text, gold, _, _ in CASES:
        second_opinion(text, gold, grader)
