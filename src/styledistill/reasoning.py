"""Split a completion into its reasoning and its final answer."""

from __future__ import annotations

from dataclasses import dataclass

from styledistill.prompting import THINK_CLOSE, THINK_OPEN


@dataclass(frozen=True)
class Split:
    reasoning: str
    answer_text: str
    method: str  # think_tags, marker or none
    unclosed_think: bool = False


def split_completion(text: str, answer_marker: str | None = None, reasoning_content: str | None = None) -> Split:
    """Separate reasoning from answer.

    Order of evidence: an API's separate `reasoning_content`; `<think>…</think>` tags (an opening tag is optional,
    as prompts often pre-fill it); the last occurrence of `answer_marker`; otherwise everything is reasoning and the
    last non-empty paragraph is also taken as the answer, so a grader still sees the model's conclusion.
    """
    if reasoning_content:
        return Split(reasoning_content.strip(), text.strip(), "reasoning_content")
    if THINK_CLOSE in text:
        head, _, tail = text.partition(THINK_CLOSE)
        return Split(head.split(THINK_OPEN, 1)[-1].strip(), tail.strip(), "think_tags")
    if THINK_OPEN in text:
        return Split(text.split(THINK_OPEN, 1)[1].strip(), "", "think_tags", unclosed_think=True)
    if answer_marker and answer_marker in text:
        head, _, tail = text.rpartition(answer_marker)
        return Split(head.strip(), tail.strip(), "marker")
    paragraphs = [p.strip() for p in text.strip().split("\n\n") if p.strip()]
    return Split(text.strip(), paragraphs[-1] if paragraphs else "", "none")
