"""The grader on the shared benchmarks and traces: the figures the grading issue asks for, as assertions.

MATH-500 reference solutions against their answers, AIME/AMC golds in ten model-style spellings (and the same
spellings with a wrong value), GSM8K references, and the R1-distill traces' own correctness labels.
"""

from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path

import pytest

pytest.importorskip("math_verify")

from styledistill.grading.extract import graded_part  # noqa: E402
from styledistill.grading.pool import grade_many  # noqa: E402

SECONDS = 10.0
SPELLINGS = [
    "\\boxed{{{v}}}",
    "The answer is {v}.",
    "Answer: {v}",
    "So the final answer is $\\boxed{{{v}}}$.",
    "**Final Answer**\n\n\\[\n\\boxed{{{v}}}\n\\]",
    "Therefore, the final answer is: $\\boxed{{{v}}}$. I hope it is correct.",
    "\\boxed{{\\textbf{{{v}}}}}",
    "Adding these up, we get {v}",
    "The answer is $\\mathbf{{{v}}}$",
    "\\[ \\boxed{{ {v} }} \\]",
]
# Self-evidently right: the source's checker compared strings (see ../shared/data/SOURCES.md).
SOURCE_LABEL_WRONG = {
    "ta-cots-math-584-seed0": "gold 'r=6.2', boxed 6.2",
    "ta-cots-math-767-seed0": "gold 'a=-30.5', boxed -30.5",
    "ta-cots-math-3679-seed0": "gold '81, 256', boxed 81 and 256",
    "ta-cots-math-5207-seed0": "gold '\\$30', boxed 30",
    "ta-cots-math-5608-seed0": "gold '135,\\!000', boxed 135000",
    "ta-cots-math-5973-seed0": "gold '44' (a percentage), boxed 44\\%",
}


def _rows(shared_data: Path, name: str) -> list[dict]:
    return [json.loads(line) for line in (shared_data / name).read_text().splitlines()]


def test_math500_references(shared_data: Path) -> None:
    rows = _rows(shared_data, "math500.jsonl")
    graded = grade_many("math", [r["solution"] for r in rows], [r["answer"] for r in rows], seconds=SECONDS)
    misses = [(r["unique_id"], r["answer"], g.grade.extracted) for r, g in zip(rows, graded) if not g.grade.correct]
    print(f"\nMATH-500 references: {len(rows) - len(misses)}/{len(rows)} correct; misses: {misses}")
    assert len(rows) == 500 and len(misses) <= 5


def _integer_golds(shared_data: Path) -> list[int]:
    golds = [int(r["answer"]) for name in ("aime24.jsonl", "aime25.jsonl") for r in _rows(shared_data, name)]
    golds += [int(float(r["answer"])) for r in _rows(shared_data, "amc23.jsonl")]
    return golds


@pytest.mark.parametrize("grader", ["integer", "math"])
def test_aime_amc_spellings(shared_data: Path, grader: str) -> None:
    golds = _integer_golds(shared_data)
    assert len(golds) == 100
    spelled = [(spelling.format(v=value), str(gold)) for gold in golds
               for value in (gold, f"{gold:03d}" if gold >= 0 else gold, f"{gold}.0") for spelling in SPELLINGS]
    graded = grade_many(grader, [t for t, _ in spelled], [g for _, g in spelled], seconds=SECONDS)
    misses = [case for case, g in zip(spelled, graded) if not g.grade.correct]
    print(f"\n{grader}: {len(spelled) - len(misses)}/{len(spelled)} right spellings correct; misses: {misses[:10]}")
    assert not misses
    wrong = [(spelling.format(v=value), str(gold)) for gold in golds
             for value in {gold + 1, gold - 1, -gold} - {gold} for spelling in SPELLINGS]
    graded = grade_many(grader, [t for t, _ in wrong], [g for _, g in wrong], seconds=SECONDS)
    fooled = [case for case, g in zip(wrong, graded) if g.grade.correct]
    print(f"{grader}: {len(fooled)}/{len(wrong)} wrong spellings graded correct: {fooled[:10]}")
    assert not fooled


def test_wrong_fractions_are_wrong(shared_data: Path) -> None:
    """MATH-500's fraction golds, spelled right and with the reciprocal, the negation and ± 1."""
    fractions = []
    for row in _rows(shared_data, "math500.jsonl"):
        match = re.fullmatch(r"\\[dt]?frac\{(\d+)\}\{(\d+)\}", row["answer"])
        if match and Fraction(int(match.group(1)), int(match.group(2))) not in (0, 1):
            fractions.append((row["answer"], Fraction(int(match.group(1)), int(match.group(2)))))
    assert len(fractions) >= 20

    def latex(value: Fraction) -> str:
        sign = "-" if value < 0 else ""
        return f"{sign}\\frac{{{abs(value.numerator)}}}{{{value.denominator}}}"

    right = [(s.format(v=latex(value)), gold) for gold, value in fractions for s in SPELLINGS]
    graded = grade_many("math", [t for t, _ in right], [g for _, g in right], seconds=SECONDS)
    assert all(g.grade.correct for g in graded), [c for c, g in zip(right, graded) if not g.grade.correct][:5]
    wrong = [(s.format(v=latex(other)), gold) for gold, value in fractions
             for other in (1 / value, -value, value + 1, value - 1) for s in SPELLINGS]
    graded = grade_many("math", [t for t, _ in wrong], [g for _, g in wrong], seconds=SECONDS)
    fooled = [case for case, g in zip(wrong, graded) if g.grade.correct]
    print(f"\nfractions: {len(right)} right spellings all correct; {len(fooled)}/{len(wrong)} wrong ones fooled")
    assert not fooled


def test_gsm8k_references(shared_data: Path) -> None:
    rows = _rows(shared_data, "gsm8k_test.jsonl")
    golds = [r["answer"].rsplit("####", 1)[1].strip() for r in rows]
    graded = grade_many("number", [r["answer"] for r in rows], golds, seconds=SECONDS, workers=2)
    misses = [(gold, g.grade.extracted) for gold, g in zip(golds, graded) if not g.grade.correct]
    print(f"\nGSM8K references: {len(rows) - len(misses)}/{len(rows)} correct; misses: {misses}")
    assert len(rows) == 1319 and len(misses) <= len(rows) * 0.005


@pytest.mark.parametrize("name", ["traces_thoughtanchors_cots_math.jsonl", "traces_thoughtanchors_site.jsonl"])
def test_trace_labels(shared_data: Path, name: str) -> None:
    """Our grades against the source's labels; every disagreement is one where the label is wrong."""
    rows = _rows(shared_data, name)
    texts = [graded_part(r["answer_text"], r["thinking"]) for r in rows]
    graded = grade_many("math", texts, [r["gold"] for r in rows], seconds=SECONDS)
    labels = [r["correct"] in (True, "True", "true") for r in rows]
    differ = {r["id"]: (r["gold"], g.grade.extracted, label)
              for r, g, label in zip(rows, graded, labels) if g.grade.correct != label}
    print(f"\n{name}: {len(rows) - len(differ)}/{len(rows)} agree with the source's labels; differ: {differ}")
    assert (len(rows) - len(differ)) / len(rows) >= 0.95
    assert set(differ) <= set(SOURCE_LABEL_WRONG)
    assert all(not label for _, _, label in differ.values())  # we never call a labelled-correct trace wrong
    truncated = [g for r, g in zip(rows, graded) if r["answer_text"] is None]
    assert not any(g.grade.correct for g in truncated)
