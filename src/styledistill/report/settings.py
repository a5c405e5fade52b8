"""report settings: the column order of the scores table."""

from __future__ import annotations

from typing import Annotated

from styledistill.settings import Distinct, Field, Key, Settings


class ReportSettings(Settings):
    # Variants in this order after `base` (null: the study's order); every name must be a variant of the study.
    variant_order: Annotated[list[Key], Distinct] | None = Field(None, min_length=1)
