"""build_variants settings: each variant kind's keys, the generator's answer check, and the alignment."""

from __future__ import annotations

from typing import Literal

from styledistill.settings import Field, Key, Settings, Text


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
    """ST-HC: a trace in the measured style that reaches the gold answer."""

    kind: Literal["synthetic"]


class SyntheticWrongVariant(GeneratedVariant):
    """ST-HC-W: the same, reaching a wrong answer."""

    kind: Literal["synthetic_wrong"]
    wrong_seed: int = Field(0, ge=0)  # picks each problem's wrong answer; independent of the generator's sampling


class StepByStepVariant(GeneratedVariant):
    """SBS: a plain step-by-step solution."""

    kind: Literal["step_by_step"]


class GeneratorSettings(Settings):
    # require: keep a synthetic trace only if its final answer is the intended one (gold, or wrong for -W);
    # enforce: keep the generated reasoning and replace a missed final answer by the intended one (weak generators).
    answer_check: Literal["require", "enforce"] = "require"
    answer_marker: Text | None = None  # text that starts the final answer when there are no <think> tags


class AlignSettings(Settings):
    size: int | None = Field(None, ge=1)  # cap on aligned problems per variant
    min_size: int = Field(1, ge=1)  # fail if fewer problems are built in every variant
    seed: int = Field(0, ge=0)  # of the sample the size cap takes
