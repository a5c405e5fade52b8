"""Wrong target answers for ST-HC-W: plausible, deterministic, and confirmed wrong by the grader."""

from __future__ import annotations

import hashlib
import re
from fractions import Fraction

from styledistill.grading.graders import grade

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _rng_deltas(problem_id: str, seed: int, scale: int) -> list[int]:
    digest = hashlib.sha256(f"{problem_id}:{seed}".encode()).digest()
    deltas = []
    for byte in digest[:8]:
        magnitude = 1 + byte % max(1, scale)
        deltas.append(magnitude if byte & 1 else -magnitude)
    return deltas + [1, -1, 2]


def _candidates(gold: str, problem_id: str, seed: int) -> list[str]:
    text = gold.strip()
    try:
        value = Fraction(text)
    except (ValueError, ZeroDivisionError):
        value = None
    if value is not None:
        scale = max(2, int(abs(value) * 0.2))
        out = []
        for delta in _rng_deltas(problem_id, seed, scale):
            candidate = value + delta
            out.append(str(candidate.numerator) if candidate.denominator == 1 else str(float(candidate)))
        return out
    # LaTeX or symbolic: change one number inside it.
    numbers = list(_NUMBER.finditer(text))
    out = []
    for delta in _rng_deltas(problem_id, seed, 3):
        if not numbers:
            break
        match = numbers[abs(delta) % len(numbers)]
        changed = str(int(float(match.group())) + delta)
        out.append(text[: match.start()] + changed + text[match.end():])
    return out


def wrong_answer(gold: str, problem_id: str, seed: int, grader: str) -> str | None:
    """A wrong answer near the gold one that the grader does not accept as the gold; None if none is found."""
    for candidate in _candidates(gold, problem_id, seed):
        if not grade(grader, f"\\boxed{{{candidate}}}", gold).correct:
            return candidate
    return None
