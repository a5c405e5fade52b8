"""The variant kinds and what each needs."""

from __future__ import annotations

# kind -> (needs a generator, the answer the trace must reach, prompt placeholders it must use)
KINDS: dict[str, tuple[bool, str, set[str]]] = {
    "st": (False, "gold", set()),
    "no_trace": (False, "gold", set()),
    "synthetic": (True, "gold", {"question", "answer", "style"}),
    "synthetic_wrong": (True, "wrong", {"question", "answer"}),
    "step_by_step": (True, "gold", {"question"}),
}
ANSWER_CHECKS = ("require", "enforce")


def needs_generator(kind: str) -> bool:
    return KINDS[kind][0]


def target_kind(kind: str) -> str:
    return KINDS[kind][1]


def required_fields(kind: str) -> set[str]:
    return KINDS[kind][2]
