"""One example row (the `example` record) and the answer checks every builder shares."""

from __future__ import annotations

from typing import Any

from styledistill.grading.graders import grade

OK = "ok"
ENFORCED_ANSWER = "The final answer is $\\boxed{{{}}}$."


def example_row(ctx: Any, src: Any, reasoning: str, answer_text: str, target: str | None, status: str,
                method: str, **extra: Any) -> dict[str, Any]:
    """An example of `ctx.variant` built from input row `src` (a namedtuple with problem_id, question, gold), graded
    with `ctx.grader`."""
    return {
        "problem_id": src.problem_id,
        "variant": ctx.variant,
        "question": src.question,
        "reasoning": reasoning,
        "answer_text": answer_text,
        "target_answer": target or "",
        "gold": src.gold,
        "target_correct": grade(ctx.grader, answer_text, src.gold).correct if answer_text else False,
        "status": status,
        "method": method,
        **extra,
    }


def reaches(grader: str, answer_text: str, target: str, gold: str, wants_gold: bool) -> bool:
    """Did an answer land where the kind wants: on the gold, or on the (wrong) target and not on the gold?"""
    if wants_gold:
        return grade(grader, answer_text, gold).correct
    return not grade(grader, answer_text, gold).correct and grade(grader, answer_text, target).correct
