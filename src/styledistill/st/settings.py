"""build_st settings: which correct trace represents a problem, and how many problems ST keeps."""

from __future__ import annotations

from typing import Literal

from styledistill.settings import Field, Settings


class BuildStSettings(Settings):
    """The ST set (rule build_st): the correct teacher traces, one per problem."""

    max_size: int | None = Field(None, ge=1, description="cap on ST problems")
    pick: Literal["first", "shortest", "random"] = Field(
        "first", description="which correct sample represents a problem")
    min_size: int = Field(1, ge=1, description="fail if fewer problems have a correct trace")
    seed: int = Field(0, ge=0, le=2**32 - 1, description="of the random pick and of the size cap's sample")
