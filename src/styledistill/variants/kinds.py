"""The variant kinds by name: each kind's settings, its builder, and what it needs (a generator and its prompt's
placeholders, the style profile, the ST set as a reference, another variant as input)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from styledistill.settings import literal_of
from styledistill.variants import ablations, copied, generate, rewrite
from styledistill.variants.context import BuildContext
from styledistill.variants.settings import (
    LengthMatchedVariant,
    MismatchedVariant,
    NoTraceVariant,
    PivotStrippedVariant,
    StageShuffledVariant,
    StepByStepVariant,
    StVariant,
    SyntheticVariant,
    SyntheticWrongVariant,
    TokenMatchedVariant,
    VariantSettings,
)
from styledistill.variants.style_brief import PROFILE_FIELDS

# Placeholders a prompt may use, by what the kind gives it: the problem, the style profile, an input trace.
QUESTION = frozenset({"question"})
STYLE = PROFILE_FIELDS
GOLD = frozenset({"answer", "answer_hint"})
TRACE = frozenset({"trace", "kept", "rewrite"})


@dataclass(frozen=True)
class Kind:
    settings: type[VariantSettings]
    build: Callable[[BuildContext], pd.DataFrame]
    generated: bool = False  # a generator writes or rewrites the traces
    required: frozenset[str] = frozenset()  # placeholders its prompt must use
    allowed: frozenset[str] = frozenset()  # and may use
    uses_profile: bool = False  # the ST style profile (style brief, style check, lexicon, stages)
    uses_reference: bool = False  # the ST set
    has_traces: bool = True  # its examples have reasoning (another variant can be built from it)
    ablation: bool = False  # its input's traces with one part of the style taken out (the report compares the two)
    uses_budget: bool = False  # another variant's examples (settings.budget_of) set its size
    rowwise: bool = False  # each example is built from its input row alone: the input is read a batch at a time

    def placeholders(self, settings: VariantSettings) -> tuple[frozenset[str], frozenset[str]]:
        """(required, allowed) placeholders of the prompt, for these settings."""
        if getattr(settings, "show_answer", True):
            return self.required, self.allowed
        return self.required - GOLD, self.allowed - GOLD


KINDS: dict[str, Kind] = {literal_of(kind.settings, "kind"): kind for kind in (
    Kind(StVariant, copied.st, rowwise=True),
    Kind(NoTraceVariant, copied.no_trace, has_traces=False, rowwise=True),
    Kind(MismatchedVariant, copied.mismatched),
    Kind(SyntheticVariant, generate.synthetic, generated=True, required=QUESTION, allowed=QUESTION | STYLE | GOLD,
         uses_profile=True),
    Kind(SyntheticWrongVariant, rewrite.synthetic_wrong, generated=True, required=QUESTION | {"kept", "answer"},
         allowed=QUESTION | TRACE | {"answer"}),
    Kind(StepByStepVariant, generate.step_by_step, generated=True, required=QUESTION, allowed=QUESTION | GOLD),
    Kind(PivotStrippedVariant, ablations.pivot_stripped, uses_profile=True, ablation=True, rowwise=True),
    Kind(StageShuffledVariant, ablations.stage_shuffled, uses_profile=True, ablation=True, rowwise=True),
    Kind(LengthMatchedVariant, ablations.length_matched, uses_profile=True, uses_reference=True,
         ablation=True),
    Kind(TokenMatchedVariant, ablations.token_matched, uses_profile=True, uses_budget=True),
)}
