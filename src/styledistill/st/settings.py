"""build_st settings: which correct trace represents a problem, and how many problems ST keeps."""

from __future__ import annotations

from typing import Literal

from styledistill.settings import Field, Settings


class BuildStSettings(Settings):
    max_size: int | None = Field(None, ge=1)  # cap on ST problems (the paper: 1,000)
    pick: Literal["first", "shortest", "random"] = "first"  # which correct sample represents a problem
    min_size: int = Field(1, ge=1)  # fail if fewer problems have a correct trace
    seed: int = Field(0, ge=0, le=2**32 - 1)  # of the random pick and of the size cap's sample
