"""simulate_traces settings: the style a simulated teacher plants, every part of it a seeded setting."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import field_validator, model_validator

from styledistill.settings import Distinct, Field, Float, Settings, literal_of
from styledistill.shared_settings import Samples
from styledistill.style import lexicon as lex
from styledistill.style.stages import STAGES

Rate = Annotated[Float, Field(ge=0, le=1)]
SHARE_TOLERANCE = 0.01  # stage shares must add up to 1 within this


class PivotRates(Settings):
    """Per pivot type, the share of traces that carry it (at least one pivot of the type)."""

    realization: Rate = Field(0.85, description="share of traces with realization pivots ('Wait,', 'Hmm,')")
    verification: Rate = Field(0.8, description="share of traces with verification pivots ('Let me check,')")
    exploration: Rate = Field(0.75, description="share of traces with exploration pivots ('Alternatively,')")
    integration: Rate = Field(0.7, description="share of traces with integration pivots ('Putting it all "
                              "together,')")

    def scaled(self, factor: float) -> dict[str, float]:
        return {kind: getattr(self, kind) * factor for kind in lex.PIVOT_TYPES}


class TraceLength(Settings):
    """Words of reasoning per trace: log-normal around a median, never below a floor."""

    median: int = Field(110, ge=10, le=100_000, description="median words of a trace's reasoning")
    sigma: Float = Field(0.25, ge=0, le=3, description="spread: the standard deviation of the log length")
    min_words: int = Field(40, ge=1, description="no trace is shorter (its content may still make it longer)")


class SimulatedStyle(Settings):
    """What a simulated teacher plants in each trace."""

    seed: int = Field(0, ge=0, le=2**31 - 1, description="seed of every draw (each trace has its own stream, keyed "
                      "by problem and sample)")
    lexicon: dict[str, tuple[str, ...]] = Field(
        "r1", validate_default=True, description="pivot phrases are drawn from this lexicon (a preset: r1, paper; or "
        "pivot type -> phrases), uniformly within a type", json_schema_extra=lex.config_schema)
    stage_order: Annotated[list[Literal[STAGES]], Distinct] = Field(  # type: ignore[valid-type]
        list(STAGES), min_length=1, description="the stages of every trace, in this order (framing, exploration, "
        "verification, synthesis; a stage left out is not written)")
    stage_shares: dict[str, Rate] = Field(
        {"framing": 0.15, "exploration": 0.5, "verification": 0.2, "synthesis": 0.15},
        description="target share of a trace's words per stage of stage_order (they add up to 1); content a stage "
        "must hold (the solution's steps) may exceed it")
    pivots: PivotRates = Field(default_factory=PivotRates, description="share of traces carrying each pivot type")
    max_per_type: int = Field(2, ge=1, le=20, description="a trace carrying a type has 1 to this many of its pivots "
                              "(uniform)")
    backtracking: Rate = Field(0.6, description="share of realization pivots that open a backtracking episode (a "
                               "wrong intermediate value, the pivot, the correction); the others are pauses")
    length: TraceLength = Field(default_factory=TraceLength, description="words of reasoning per trace")
    wrong: Rate = Field(0.25, description="share of traces that end on a wrong answer")
    wrong_pivot_scale: Rate = Field(0.5, description="pivot rates of the wrong traces, as a share of the correct "
                                    "ones' (1: no planted difference between correct and incorrect traces)")
    paragraph_sentences: int = Field(3, ge=1, le=50, description="sentences per paragraph (at most)")

    @field_validator("lexicon", mode="before")
    @classmethod
    def _lexicon(cls, value: Any) -> dict[str, tuple[str, ...]]:
        return lex.resolve(value)[0]

    @model_validator(mode="after")
    def _shares(self) -> SimulatedStyle:
        unknown = sorted(set(self.stage_shares) - set(STAGES))
        if unknown:
            raise ValueError(f"stage_shares: unknown stage(s) {', '.join(unknown)} (stages: {', '.join(STAGES)})")
        if set(self.stage_shares) != set(self.stage_order):
            raise ValueError(f"stage_shares: must give a share for each stage of stage_order and no other (stage_order:"
                             f" {', '.join(self.stage_order)}; shares for: {', '.join(sorted(self.stage_shares))})")
        total = sum(self.stage_shares.values())
        if abs(total - 1) > SHARE_TOLERANCE:
            raise ValueError(f"stage_shares: add up to {total:g}, not 1")
        return self


class SimulatedTeacher(SimulatedStyle, Samples):
    """A teacher that is a simulator: traces of known style for the built-in problems (their solutions are known)."""

    source: Literal["simulated"] = "simulated"


SIMULATED = literal_of(SimulatedTeacher, "source")  # the registry name, and what a study calls the teacher's source
