from __future__ import annotations

import re

import pytest

from styledistill.errors import UserError
from styledistill.prompting import assistant_target, load_prompt, student_messages
from styledistill.reasoning import split_completion


def test_split_on_think_tags():
    s = split_completion("<think>\nstep 1\nwait, no\n</think>\n\nThe answer is \\boxed{4}.")
    assert (s.reasoning, s.answer_text, s.method) == ("step 1\nwait, no", "The answer is \\boxed{4}.", "think_tags")


def test_prefilled_think_has_no_opening_tag():
    s = split_completion("step 1</think>answer 4")
    assert (s.reasoning, s.answer_text) == ("step 1", "answer 4")


def test_unclosed_think_is_labelled():
    s = split_completion("<think>I keep going and going")
    assert s.unclosed_think and s.answer_text == ""


def test_marker_and_fallback():
    assert split_completion("work\nAnswer: 7\nmore\nAnswer: 8", answer_marker="Answer:").answer_text == "8"
    s = split_completion("First, 3+4.\n\nSo it is 7.")
    assert s.method == "none" and s.answer_text == "So it is 7." and s.reasoning.startswith("First")


def test_reasoning_content_wins():
    s = split_completion("final: 3", reasoning_content="thinking...")
    assert (s.reasoning, s.answer_text, s.method) == ("thinking...", "final: 3", "reasoning_content")


def test_assistant_target_round_trips_through_split():
    target = assistant_target("r1\nr2", "\\boxed{5}")
    s = split_completion(target)
    assert (s.reasoning, s.answer_text) == ("r1\nr2", "\\boxed{5}")
    assert assistant_target("", "\\boxed{5}") == "\\boxed{5}"


def test_prompt_file_checks(tmp_path):
    good = tmp_path / "p.yaml"
    good.write_text("system: be brief\nuser: 'Q: {question} -> \\boxed{{x}}'\n")
    template = load_prompt(good, required={"question"}, allowed={"question"})
    assert template.messages(question="2+2")[1]["content"] == "Q: 2+2 -> \\boxed{x}"
    with pytest.raises(UserError, match="must use placeholder"):
        load_prompt(good, required={"question", "style"}, allowed={"question", "style"})
    with pytest.raises(UserError, match=r"unknown placeholder\(s\) \['question'\]"):
        load_prompt(good, required=set(), allowed={"style"})
    bad = tmp_path / "bad.yaml"
    bad.write_text("usr: hi\n")
    with pytest.raises(UserError, match="bad.yaml: needs a 'user'"):
        load_prompt(bad, required=set(), allowed=set())


@pytest.mark.parametrize("user, message", [
    ("'Q: {question'", "not a valid template"),
    ("'Q: {}'", "placeholder {} must be a name"),
    ("'Q: {0}'", "placeholder {0} must be a name"),
    ("'Q: {question.x}'", "placeholder {question.x} must be a name"),
    ("'Q: }'", "not a valid template"),
])
def test_malformed_templates_are_one_line(tmp_path, user, message):
    path = tmp_path / "p.yaml"
    path.write_text(f"user: {user}\n")
    with pytest.raises(UserError, match=re.escape(message)) as info:
        load_prompt(path, required=set(), allowed={"question"})
    assert "\n" not in str(info.value)
    assert student_messages("q") == [{"role": "user", "content": "q"}]
