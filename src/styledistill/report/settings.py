"""report settings: the column order of the scores table."""

from __future__ import annotations

from typing import Annotated

from styledistill.settings import Distinct, Field, Key, Settings


class ReportSettings(Settings):
    """The report (rule report): the scores table, the style-transfer table, plots, the landing page."""

    variant_order: Annotated[list[Key], Distinct] | None = Field(
        None, min_length=1, description="column order of the scores table (null: the study's order); each a variant "
        "of the study")
    decimals: int = Field(1, ge=0, le=4, description="decimals of pass@1 ± its standard error in the scores tables")
    sample_problems: int = Field(3, ge=0, le=100, description="problems per benchmark (and per teacher x dataset, for "
                                 "the training examples) the samples page shows side by side")
    sample_seed: int = Field(0, ge=0, le=2**32 - 1, description="seed of the problems the samples page shows")
