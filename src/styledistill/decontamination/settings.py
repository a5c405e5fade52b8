"""decontaminate settings: which benchmarks, how problems are matched, and what becomes of a match."""

from __future__ import annotations

from typing import Annotated, Literal

from styledistill.settings import Distinct, Field, Float, Key, Settings


class MatchSettings(Settings):
    """How a training problem is matched with a benchmark problem (what a decontaminate job reads)."""

    ngram: int = Field(8, ge=3, le=50, description="a training problem that shares a word n-gram of this length with a "
                       "benchmark problem matches it (after normalisation: case, spacing, LaTeX spellings, number "
                       "formats, figures out; open-r1 and s1 use 8, lm-eval 13)")
    fuzzy: Float | None = Field(90.0, gt=0, le=100, description="also match a pair with the same numbers whose "
                                "normalised texts have a fuzzy ratio (rapidfuzz, 0-100) at least this high (a template "
                                "sibling with other numbers is another problem); null: no fuzzy pass")
    boilerplate: int = Field(3, ge=2, le=10_000, description="a sentence or n-gram found in this many benchmark "
                             "problems is boilerplate (\"Express your answer as a common fraction.\"): it flags "
                             "nothing on its own")
    action: Literal["drop", "report"] = Field("drop", description="drop: matched problems are left out of the "
                                              "cleaned set; report: listed only")
    dedup: bool = Field(True, description="also find training problems whose normalised text an earlier one has "
                        "(dropped or listed, as `action` says)")


class DecontaminationSettings(MatchSettings):
    """Training problems checked against the benchmarks (rule decontaminate) before any teacher sees them: teachers
    and imported traces read the cleaned problems."""

    enabled: bool = Field(True, description="false: the teachers read the problems as they are")
    benchmarks: Annotated[list[Key], Distinct] | None = Field(
        None, min_length=1, description="benchmarks to check against (keys of `benchmarks`); null: every benchmark "
        "of the study")
