"""build_variants settings: each variant kind's keys, the generator's answer check, and the alignment."""

from __future__ import annotations

import typing
from collections.abc import Iterator, Mapping
from typing import Annotated, Any, Literal

from pydantic import model_validator

from styledistill.settings import Distinct, Field, Float, Key, Settings, Text, pick
from styledistill.shared_settings import AnswerMarker
from styledistill.style.settings import StyleCheck


class VariantSettings(Settings):
    kind: str
    input: Key | None = Field(
        None, description="null: built from the ST set; a variant key: from that variant's accepted examples")


class StVariant(VariantSettings):
    """ST: the teacher traces."""

    kind: Literal["st"]


class NoTraceVariant(VariantSettings):
    """ST-NT: question -> answer only."""

    kind: Literal["no_trace"]
    answer: Literal["final", "teacher"] = Field(
        "final", description="final: the final answer alone, one line (\"The final answer is $\\boxed{gold}$.\"); "
        "teacher: the teacher's whole response after its reasoning (for R1 a worked solution, so not answers only)")


class MismatchedVariant(VariantSettings):
    """Control: each problem's question with another problem's trace (a seeded derangement of the problems): the
    teacher's style without the substance that solves this problem."""

    kind: Literal["mismatched"]
    seed: int = Field(0, ge=0, le=2**32 - 1, description="of the derangement (which problem lends each its trace)")


class GeneratedVariant(VariantSettings):
    """A variant a generator writes, with a prompt template from prompts/."""

    generator: Key = Field(description="key in generators")
    prompt: Text = Field(description="the generator's prompt template YAML (prompts/; the placeholders it may use "
                                     "depend on the kind)")


class CheckedVariant(GeneratedVariant):
    """A generated variant whose traces are checked (the answer reached, no mention of being given it) and
    regenerated when rejected."""

    show_answer: bool = Field(
        True, description="the prompt may tell the generator the gold answer ({answer}, {answer_hint}); false: those "
        "are refused")
    retries: int = Field(
        2, ge=0, le=100, description="a trace a check rejects (its answer, a mention of being given the answer, its "
        "style) is regenerated (a new sample) up to this many times")


class SyntheticVariant(CheckedVariant):
    """ST-HC: a trace in the measured style that reaches the gold answer, checked against the style profile."""

    kind: Literal["synthetic"]
    style_check: StyleCheck | None = Field(
        StyleCheck(), description="null: no style check. Per feature a robust z-score against the ST profile, (x - "
        "median) / scale, scale = IQR / 1.349 floored at max(min_scale_share * |median|, min_scale); a trace is "
        "accepted when the aggregate of the absolute z-scores is at most the threshold.")


class SyntheticWrongVariant(GeneratedVariant):
    """ST-HC-W: the input variant's traces (ST-HC) with only their ending rewritten to reach a wrong answer."""

    kind: Literal["synthetic_wrong"]
    input: Key = Field(description="the variant whose accepted traces are altered (ST-HC)")
    wrong_seed: int = Field(0, ge=0, le=2**32 - 1, description="picks each problem's wrong answer; independent of the "
                            "generator's sampling seed")
    rewrite_share: float = Field(
        0.25, gt=0, lt=1, description="share of the trace's text rewritten at its end (cut at the nearest sentence or "
        "line start)")
    fallback: bool = Field(
        True, description="a rewrite that misses the wrong answer falls back to the trace with the wrong value in its "
        "final step (counted in the card); false: such problems are dropped")


class StepByStepVariant(CheckedVariant):
    """SBS: a plain step-by-step solution reaching the gold answer (with the same retries and optional answer hint as
    ST-HC, so that neither loses more problems to its generator than the other)."""

    kind: Literal["step_by_step"]


class PivotStrippedVariant(VariantSettings):
    """Ablation: the input's traces with every lexicon pivot removed (punctuation and capitals repaired)."""

    kind: Literal["pivot_stripped"]


class StageShuffledVariant(VariantSettings):
    """Ablation: the input's traces with their stage spans put in a seeded random order."""

    kind: Literal["stage_shuffled"]
    seed: int = Field(0, ge=0, le=2**32 - 1, description="of the order each trace's stages get")


class LengthMatchedVariant(VariantSettings):
    """Ablation: the input variant's traces (ST-HC) trimmed at sentence ends so their lengths follow ST's."""

    kind: Literal["length_matched"]
    input: Key = Field(description="the variant whose accepted traces are trimmed (ST-HC)")


class TokenMatchedVariant(VariantSettings):
    """Control: the input's traces (ST by default) trimmed at sentence ends, each by the same share, so that all of
    them together hold the word budget: another variant's total (`budget_of`, e.g. ST down to ST-HC's), or `words`."""

    kind: Literal["token_matched"]
    budget_of: Key | None = Field(None, description="the variant whose accepted traces' total words are the budget")
    words: int | None = Field(None, ge=1, description="the budget in words (spaCy tokens that are not punctuation, "
                              "as the style features count them), instead of budget_of")

    @model_validator(mode="after")
    def _one_budget(self) -> TokenMatchedVariant:
        if (self.budget_of is None) == (self.words is None):
            raise ValueError("set exactly one of budget_of (a variant) and words (a number)")
        return self


class GeneratorSettings(AnswerMarker):
    """How a generator's outputs are read and checked."""

    answer_check: Literal["require", "enforce"] = Field(
        "require", description="require: keep a synthetic trace only if its final answer is the gold one; enforce: "
        "keep the generated reasoning and replace a missed final answer by the gold one (for weak generators such as "
        "the embedded model). ST-HC-W does not enforce: a rewrite that misses its wrong answer falls back (its "
        "`fallback`).")


class TargetSettings(Settings):
    """The training targets after the reasoning (rule select_variant)."""

    answer_form: Literal["same", "as_written"] = Field(
        "same", description="same: every example with a reasoning ends in the same one line, \"The final answer is "
        "$\\boxed{...}$.\" (its target answer: the gold, or ST-HC-W's wrong one), so trace variants differ in their "
        "reasoning only; as_written: each keeps what its writer put after the reasoning (R1: a worked solution; a "
        "synthetic trace: often one line)")


class AlignSettings(Settings):
    """Alignment (rule align_variants): every variant covers the same problems, the same number of them."""

    size: int | None = Field(None, ge=1, description="cap on aligned problems per variant")
    min_size: Float = Field(
        0.5, gt=0, le=1, description="fail in one line when the aligned problems are fewer than this share of `size` "
        "(of the problems offered when size is null): a study should not shrink unseen")
    seed: int = Field(0, ge=0, le=2**32 - 1, description="of the sample the size cap takes")
    align_on: Annotated[list[Key], Distinct] | None = Field(
        None, min_length=1, description="the variants whose built problems define the aligned set (null: all of "
        "them). The others train on the aligned problems they built and report their coverage, so a weak generator "
        "(SBS without a hint, a strict style check) does not take the hard problems out of ST too")


class SelectJob(TargetSettings):
    """One select_variant job: the form of its answers, and whether its variant must cover every aligned problem."""

    complete: bool = Field(True, description="the variant defines the aligned set (build_variants.align_on)")


def _kinds(cls: type[VariantSettings]) -> Iterator[type[VariantSettings]]:
    for sub in cls.__subclasses__():
        if typing.get_origin(sub.model_fields["kind"].annotation) is Literal:
            yield sub
        yield from _kinds(sub)


# Each kind's settings by the kind's name (the `kind: Literal[...]` of its class; kinds.py adds its builder).
KIND_SETTINGS: dict[str, type[VariantSettings]] = {typing.get_args(c.model_fields["kind"].annotation)[0]: c
                                                   for c in _kinds(VariantSettings)}


def variant_settings(spec: Mapping[str, Any], where: str = "--spec: stage") -> VariantSettings:
    """A variant's settings, of the class its `kind` names."""
    return pick(KIND_SETTINGS, spec, "kind", where).from_spec(spec, where)
