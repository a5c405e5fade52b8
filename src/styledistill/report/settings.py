"""report settings: the column order of the scores tables, the samples page, and the comparisons (contrasts, the
equivalence margin, the correction across the table, the suites)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import model_validator

from styledistill.settings import Distinct, Field, Float, Key, Settings

BASE = "base"  # the untuned student, the B side of several contrasts
# The paper's contrasts, each with the claim it tests; those naming a variant the study lacks are left out.
# (Each ablation − its input is added per study: specs.report.)
PAPER_CONTRASTS = (("ST", "ST-HC", "equivalent"), ("ST", BASE, "better"), ("ST-HC", BASE, "better"),
                   ("ST-HC-W", BASE, "better"), ("ST-HC-W", "ST-NT", "better"), ("ST-HC-W", "SBS", "better"))
ABLATION_CLAIM = "worse"  # taking the style out of the input's traces is expected to cost accuracy
# The paper's claims the landing page opens with (a subset of the contrasts).
CLAIMS = (("ST-HC", "ST", "equivalent"), ("ST-HC-W", BASE, "better"), ("ST", BASE, "better"))


class Contrast(Settings):
    """A − B on the same problems, and the claim it tests."""

    a: Key = Field(description="variant (or base: the untuned student)")
    b: Key = Field(description="variant (or base) it is compared with")
    claim: Literal["better", "worse", "equivalent"] = Field(
        description="what the study claims of A against B: the direction the p column tests (equivalent: TOST at "
        "the margin)")

    @property
    def name(self) -> str:
        return f"{self.a} − {self.b}"


class ReportSettings(Settings):
    """The report (rule report): the scores table, the comparisons, the style-transfer table, plots, the landing
    page."""

    variant_order: Annotated[list[Key], Distinct] | None = Field(
        None, min_length=1, description="column order of the scores table (null: the study's order); each a variant "
        "of the study")
    decimals: int = Field(1, ge=0, le=4, description="decimals of pass@1 ± its standard error in the scores tables")
    sample_problems: int = Field(3, ge=0, le=100, description="problems per benchmark (and per teacher x dataset, for "
                                 "the training examples) the samples page shows side by side")
    sample_seed: int = Field(0, ge=0, le=2**32 - 1, description="seed of the problems the samples page shows")
    contrasts: list[Contrast] | None = Field(
        None, description="comparisons A − B per family × benchmark (and suite), each with its claim (null: the "
        "paper's: ST − ST-HC ≈, ST, ST-HC, ST-HC-W − base >, ST-HC-W − ST-NT >, ST-HC-W − SBS >, and each ablation − "
        "its input <, for the variants the study trains)")
    equivalence_margin: Float = Field(
        3.0, gt=0, le=100, description="δ of the equivalence tests (TOST), in points of pass@1: a difference "
        "within ±δ is one the study calls no difference (docs/statistics.md says why 3)")
    correction: Literal["holm", "fdr_bh"] = Field(
        "holm", description="multiple-comparison correction across the comparisons table: holm (family-wise error) "
        "or fdr_bh (Benjamini-Hochberg false discovery rate)")
    comparison_score: Literal["lenient", "strict"] = Field(
        "lenient", description="the score the comparisons compare: lenient (the scores table's) or strict (truncated "
        "or fallback-graded outputs wrong)")
    alpha: Float = Field(0.05, gt=0, lt=0.5, description="level of the tests and 1 − the intervals' coverage")
    resamples: int = Field(2000, ge=100, le=100_000, description="replicates of the paired hierarchical bootstrap")
    bootstrap_seed: int = Field(0, ge=0, le=2**32 - 1, description="seed of the bootstrap")
    suites: dict[Key, Annotated[list[Key], Distinct]] = Field(
        default_factory=dict, description="benchmarks pooled into one (name: [benchmarks]; e.g. competition: "
        "[aime24, aime25, amc23]): compared on all their problems at once, so small benchmarks gain power")

    @model_validator(mode="after")
    def _suites_pool(self) -> ReportSettings:
        for name, members in self.suites.items():
            if len(members) < 2:
                raise ValueError(f"suites.{name}: pools at least 2 benchmarks, got {members}")
        return self
