"""Problem sources: how a `datasets` entry says where its problems come from (one settings class per source)."""

from __future__ import annotations

import re
from functools import cached_property
from typing import Annotated, Literal

from pydantic import field_validator

from styledistill.problems.presets import PRESETS
from styledistill.settings import Field, Settings, Text, one_of

Split = Literal["train", "test"]
LEVELS = (0, 1, 2, 3, 4)
Level = Annotated[int, Field(ge=min(LEVELS), le=max(LEVELS))]


class BuiltinSource(Settings):
    """The project's seeded arithmetic/algebra word problems (problems/builtin.py)."""

    source: Literal["builtin"]
    split: Split
    n: int = Field(ge=1, le=1_000_000)  # number of problems
    seed: int = Field(ge=0, le=2**32 - 1)
    levels: list[Level] = Field([1, 2, 3], min_length=1)

    @field_validator("levels")
    @classmethod
    def _distinct(cls, value: list[int]) -> list[int]:
        if len(set(value)) != len(value):
            raise ValueError(f"levels must be distinct, got {value}")
        return value


class Fields(Settings):
    """Which source field holds each problem field."""

    question: Text
    answer: Text
    id: Text | None = None  # null: the id is a hash of the question
    level: Text | None = None


class MappedSource(Settings):
    """A source of rows whose fields are mapped onto problems (a JSONL file, a `datasets` split)."""

    split: Split
    fields: Fields
    answer_pattern: str | None = None  # a regex with one group, searched in the answer field (multi-line mode)
    limit: int | None = Field(None, ge=1)

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
    path: Text


class HubSource(MappedSource):
    """`datasets.load_dataset(path, name, split=hf_split, data_files=..., revision=...)`."""

    source: Literal["hf"]
    path: Text  # a hub id, a local dataset directory, or a packaged loader such as json
    name: Text | None = None
    hf_split: Text | None = None  # null: the same as split
    revision: Text | None = None
    data_files: Text | list[Text] | dict[str, Text | list[Text]] | None = None


class PresetSource(Settings):
    """A named benchmark (problems/presets.py): its hub copy, or a local copy with the same fields."""

    source: Literal["preset"]
    preset: Annotated[str, one_of(PRESETS, "preset")]
    split: Split = "test"
    path: Text | None = None  # a local copy (JSONL, CSV or Parquet) with the hub's fields; null: read the hub
    revision: Text | None = None  # of the hub copy
    limit: int | None = Field(None, ge=1)
    option_seed: int = Field(0, ge=0, le=2**32 - 1)  # multiple choice: options are shuffled per question with this seed
