"""build_variants settings: each variant kind's keys, the generator's answer check, and the alignment."""

from __future__ import annotations

import typing
from collections.abc import Iterator, Mapping
from typing import Any, Literal

from styledistill.features.settings import StyleCheck
from styledistill.settings import Field, Key, Settings, Text, pick


class VariantSettings(Settings):
    kind: str
    # Null: the variant is built from the ST set; a variant key: from that variant's accepted examples.
    input: Key | None = None


class StVariant(VariantSettings):
    """ST: the teacher traces."""

    kind: Literal["st"]


class NoTraceVariant(VariantSettings):
    """ST-NT: question -> answer only."""

    kind: Literal["no_trace"]


class GeneratedVariant(VariantSettings):
    """A variant a generator writes, with a prompt template from prompts/."""

    generator: Key
    prompt: Text


class SyntheticVariant(GeneratedVariant):
    """ST-HC: a trace in the measured style that reaches the gold answer, checked against the style profile."""

    kind: Literal["synthetic"]
    show_answer: bool = True  # the prompt tells the generator the gold answer ({answer}, {answer_hint})
    style_check: StyleCheck | None = StyleCheck()  # null: keep every trace that reaches the gold answer
    retries: int = Field(2, ge=0, le=100)  # a rejected trace is regenerated (a new sample) up to this many times


class SyntheticWrongVariant(GeneratedVariant):
    """ST-HC-W: the input variant's traces (ST-HC) with only their ending rewritten to reach a wrong answer."""

    kind: Literal["synthetic_wrong"]
    input: Key  # the variant whose accepted traces are altered (ST-HC)
    # picks each problem's wrong answer; independent of the generator's sampling
    wrong_seed: int = Field(0, ge=0, le=2**32 - 1)
    rewrite_share: float = Field(0.25, gt=0, lt=1)  # share of the text rewritten at its end (cut at a sentence)
    # A rewrite that misses the wrong answer falls back to the trace with the wrong value put in its final step
    # (counted); false: such problems are dropped.
    fallback: bool = True


class StepByStepVariant(GeneratedVariant):
    """SBS: a plain step-by-step solution reaching the gold answer."""

    kind: Literal["step_by_step"]


class PivotStrippedVariant(VariantSettings):
    """Ablation: the input's traces with every lexicon pivot removed (punctuation and capitals repaired)."""

    kind: Literal["pivot_stripped"]


class StageShuffledVariant(VariantSettings):
    """Ablation: the input's traces with their stage spans put in a seeded random order."""

    kind: Literal["stage_shuffled"]
    seed: int = Field(0, ge=0, le=2**32 - 1)


class LengthMatchedVariant(VariantSettings):
    """Ablation: the input variant's traces (ST-HC) trimmed at sentence ends so their lengths follow ST's."""

    kind: Literal["length_matched"]
    input: Key  # the variant whose traces are trimmed (ST-HC)


class GeneratorSettings(Settings):
    # require: keep a synthetic trace only if its final answer is the intended one;
    # enforce: keep the generated reasoning and replace a missed final answer by the intended one (weak generators).
    # (ST-HC-W does not enforce: a missed wrong answer falls back, see its `fallback`.)
    answer_check: Literal["require", "enforce"] = "require"
    answer_marker: Text | None = None  # text that starts the final answer when there are no <think> tags


class AlignSettings(Settings):
    size: int | None = Field(None, ge=1)  # cap on aligned problems per variant
    min_size: int = Field(1, ge=1)  # fail if fewer problems are built in every variant
    seed: int = Field(0, ge=0, le=2**32 - 1)  # of the sample the size cap takes


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
