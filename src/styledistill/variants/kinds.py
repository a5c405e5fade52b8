"""The variant kinds by name: each kind's settings, what it is built from, and the answer its traces must reach."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from styledistill.settings import literal_of
from styledistill.variants.settings import (
    NoTraceVariant,
    StepByStepVariant,
    StVariant,
    SyntheticVariant,
    SyntheticWrongVariant,
    VariantSettings,
)
from styledistill.variants.wrong import wrong_answer

# What a generator prompt may use: the problem, the answer the trace must reach, and the style brief.
PROMPT_FIELDS = frozenset({"question", "answer", "style"})


def gold_target(row: Any, settings: VariantSettings) -> str | None:
    return row.gold


def wrong_target(row: Any, settings: SyntheticWrongVariant) -> str | None:
    return wrong_answer(row.gold, row.problem_id, settings.wrong_seed)


@dataclass(frozen=True)
class Kind:
    settings: type[VariantSettings]
    generated: bool  # a generator writes the traces (else they are taken from the input)
    target: Callable[[Any, Any], str | None] = gold_target  # the final answer a trace must reach
    placeholders: frozenset[str] = frozenset()  # what its prompt must use
    keep_reasoning: bool = True  # for kinds taken from the input: keep the reasoning (ST) or only the answer

    @property
    def wants_gold(self) -> bool:
        return self.target is gold_target


KINDS: dict[str, Kind] = {literal_of(kind.settings, "kind"): kind for kind in (
    Kind(StVariant, generated=False),
    Kind(NoTraceVariant, generated=False, keep_reasoning=False),
    Kind(SyntheticVariant, generated=True, placeholders=frozenset({"question", "answer", "style"})),
    Kind(SyntheticWrongVariant, generated=True, target=wrong_target, placeholders=frozenset({"question", "answer"})),
    Kind(StepByStepVariant, generated=True, placeholders=frozenset({"question"})),
)}
