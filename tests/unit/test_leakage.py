"""The leakage check: phrases that say the answer was given are caught; real R1 traces (never given the answer) and
ordinary mathematical prose are not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from styledistill.variants.leakage import mentions_given_answer


@pytest.mark.parametrize("text", [
    "We are told the answer is 42, so let us see why.",
    "As the hint says, the answer is 42, so let me derive it.",
    "Since the problem says the answer is 12, we work towards 12.",
    "I was given that the final answer is 7.",
    "According to the hint, it should be 5.",
    "Working backwards from the given answer of 9, we get ...",
    "As we already know the answer is 3, the steps must lead there.",
    "The answer was provided: 8.",
])
def test_a_trace_that_says_it_was_given_the_answer_is_caught(text: str) -> None:
    assert mentions_given_answer(text)


@pytest.mark.parametrize("text", [
    "We are given that x + y = 10 and x - y = 2.",
    "The problem gives us a triangle with sides 3, 4 and 5.",
    "So the answer is 42.",
    "Let me check: the answer should satisfy the equation.",
    "Given the constraints, the final answer is 7.",
    "So the correct final answer is 42.",
])
def test_ordinary_reasoning_is_not(text: str) -> None:
    assert not mentions_given_answer(text)


def test_no_real_r1_trace_is_taken_for_a_leak(shared_data: Path) -> None:
    traces = []
    for name in ("traces_thoughtanchors_cots_math.jsonl", "traces_thoughtanchors_site.jsonl"):
        path = shared_data / name
        if path.exists():
            traces += [json.loads(line)["thinking"] for line in path.read_text().splitlines() if line.strip()]
    if not traces:
        pytest.skip("shared R1-distill traces not present")
    flagged = [t[:200] for t in traces if mentions_given_answer(t)]
    assert not flagged, flagged[:3]
