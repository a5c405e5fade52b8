"""Problem sources: how a `datasets` entry says where its problems come from (one settings class per source)."""

from __future__ import annotations

import re
from functools import cached_property
from typing import Annotated, Literal

from pydantic import field_validator, model_validator

from styledistill.problems.presets import PRESETS
from styledistill.settings import Field, Settings, Text, one_of
from styledistill.shared_settings import Limit

Split = Literal["train", "test"]
LEVELS = (0, 1, 2, 3, 4)
Level = Annotated[int, Field(ge=min(LEVELS), le=max(LEVELS))]


class BuiltinSource(Settings):
    """The project's seeded arithmetic/algebra word problems (problems/builtin.py)."""

    source: Literal["builtin"]
    split: Split = Field(description="train or test: the two never share a question (problems/builtin.py)")
    n: int = Field(ge=1, le=1_000_000, description="number of problems")
    seed: int = Field(ge=0, le=2**32 - 1, description="seed of the generator")
    levels: list[Level] = Field([1, 2, 3], min_length=1, description="difficulty levels drawn in turn (0: plain "
                                "arithmetic, 1-3: one to three steps, 4: harder multi-step problems)")

    @field_validator("levels")
    @classmethod
    def _distinct(cls, value: list[int]) -> list[int]:
        if len(set(value)) != len(value):
            raise ValueError(f"levels must be distinct, got {value}")
        return value


class Fields(Settings):
    """Which source field holds each problem field."""

    question: Text = Field(description="the problem statement")
    answer: Text = Field(description="the gold final answer")
    id: Text | None = Field(None, description="null: the id is a hash of the question")
    level: Text | None = Field(None, description="the difficulty level (an integer, or text ending in one)")


class MappedSource(Limit):
    """A source of rows whose fields are mapped onto problems (a JSONL file, a `datasets` split)."""

    split: Split = Field(description="train (seed problems for teachers) or test (a benchmark)")
    sample: int | None = Field(
        None, ge=1, le=10_000_000, description="a seeded random sample of this many problems, in the source's order "
        "(`limit` takes the first N instead, which for a subject-ordered set such as MATH is one subject)")
    sample_seed: int = Field(0, ge=0, le=2**32 - 1, description="seed of `sample`")
    fields: Fields = Field(description="which source field holds each problem field")
    answer_pattern: str | None = Field(
        None, description="a regex with one group, searched in the answer field (multi-line mode); null: the whole "
        "field")

    @model_validator(mode="after")
    def _limit_or_sample(self) -> MappedSource:
        if self.limit is not None and self.sample is not None:
            raise ValueError("limit (the first N) and sample (N drawn at random) exclude each other")
        return self

    @field_validator("answer_pattern")
    @classmethod
    def _one_group(cls, value: str | None) -> str | None:
        if value is None:
            return value
        try:
            pattern = re.compile(value, re.MULTILINE)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from None
        if pattern.groups != 1:
            raise ValueError(f"must have exactly one group, it has {pattern.groups}")
        return value

    @cached_property
    def pattern(self) -> re.Pattern[str] | None:
        return re.compile(self.answer_pattern, re.MULTILINE) if self.answer_pattern is not None else None


class JsonlSource(MappedSource):
    """A local JSONL file (an input of the job)."""

    source: Literal["jsonl"]
    path: Text = Field(description="local JSONL file (an input of the job)")


class HubSource(MappedSource):
    """`datasets.load_dataset(path, name, split=hf_split, data_files=..., revision=...)`."""

    source: Literal["hf"]
    path: Text = Field(description="a hub id, a local dataset directory, or a packaged loader such as json")
    name: Text | None = Field(None, description="the dataset configuration")
    hf_split: Text | None = Field(None, description="split name in the hub dataset (null: the same as split)")
    revision: Text | None = Field(None, description="a commit, tag or branch of the hub dataset")
    data_files: Text | list[Text] | dict[str, Text | list[Text]] | None = Field(
        None, description="files for a packaged loader such as json")


class PresetSource(Limit):
    """A named benchmark (problems/presets.py): its hub copy, or a local copy with the same fields."""

    source: Literal["preset"]
    preset: Annotated[str, one_of(PRESETS, "preset")] = Field(
        description="a named benchmark (problems/presets.py): its hub id, field map and grader")
    split: Split = Field("test", description="train or test (a preset is a benchmark: test)")
    path: Text | None = Field(
        None, description="a local copy (JSONL, CSV or Parquet) with the hub's fields; null: read the hub")
    revision: Text | None = Field(None, description="of the hub copy")
    option_seed: int = Field(0, ge=0, le=2**32 - 1,
                             description="multiple choice: options are shuffled per question with this seed")
