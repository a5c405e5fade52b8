"""One example row (the `example` record) and the answer checks every builder shares."""

from __future__ import annotations

from typing import Any

from styledistill.grading.answers import grade_answer

OK = "ok"
ENFORCED_ANSWER = "The final answer is $\\boxed{{{}}}$."


def example_row(src: Any, variant: str, reasoning: str, answer_text: str, target: str | None, status: str,
                method: str, **extra: Any) -> dict[str, Any]:
    """An example built from input row `src` (a namedtuple with problem_id, question, gold)."""
    return {
        "problem_id": src.problem_id,
        "variant": variant,
        "question": src.question,
        "reasoning": reasoning,
        "answer_text": answer_text,
        "target_answer": target or "",
        "gold": src.gold,
        "target_correct": bool(grade_answer(answer_text, src.gold).correct) if answer_text else False,
        "status": status,
        "method": method,
        **extra,
    }


def reaches(answer_text: str, target: str, gold: str, wants_gold: bool) -> bool:
    """Did an answer land where the kind wants: on the gold, or on the (wrong) target and not on the gold?"""
    if wants_gold:
        return grade_answer(answer_text, gold).correct
    return not grade_answer(answer_text, gold).correct and grade_answer(answer_text, target).correct
