"""import_traces settings: where a trace dataset lives, how its rows map onto traces, which rows to keep."""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from styledistill.settings import Field, Settings, Text

# Where the reasoning is in a row:
#   fields    its own field (`reasoning`), the final answer in another (`answer`, optional)
#   think     inside <think>…</think> of a response field (`response`); the answer is the text after </think>
#   messages  a list of chat messages (`messages`): the user turn is the question, the assistant turn is read as
#             `think` (or its `reasoning_content` key is the reasoning, as API responses carry it)
Layout = Literal["fields", "think", "messages"]
LAYOUT_FIELDS = {"fields": ("reasoning",), "think": ("response",), "messages": ("messages",)}


class ImportFields(Settings):
    """Which field of a row holds each part of a trace (null: the row has none)."""

    id: Text | None = Field(None, description="the problem's id; null: a hash of the question (what `datasets` "
                             "entries do too)")
    question: Text | None = Field(None, description="required unless the layout is messages")
    reasoning: Text | None = Field(None, description="layout fields")
    answer: Text | None = Field(None, description="layout fields: the final-answer text (null or empty: a truncated "
                                 "trace)")
    response: Text | None = Field(None, description="layout think: text (or a list of texts: one sample each)")
    messages: Text | None = Field(None, description="layout messages")
    gold: Text | None = Field(None, description="the gold answer; null: the paired dataset's answer")
    label: Text | None = Field(None, description="the source's own correctness label (a boolean, or a list aligned "
                                "with response)")
    sample: Text | None = Field(None, description="the sample index, for files holding several samples of a problem "
                                 "as rows")
    source: Text | None = Field(None, description="the row's source, for `filters.sources`")
    domain: Text | None = Field(None, description="the row's domain, for `filters.domains`")


class ImportFilters(Settings):
    sources: list[Text] | None = Field(None, description="keep rows whose `fields.source` is one of these")
    domains: list[Text] | None = Field(None, description="keep rows whose `fields.domain` is one of these")
    max_reasoning_chars: int | None = Field(None, ge=1, description="drop traces with a longer reasoning (counted)")


class TraceImport(Settings):
    """A trace dataset: a local JSONL or Parquet file, or a hub dataset through `datasets.load_dataset`."""

    source: Literal["import"]
    format: Literal["jsonl", "parquet", "hf"] = Field(description="a local file, or a hub dataset")
    path: Text = Field(description="the file (an input of the job), or the hub id (or a packaged loader such as json) "
                             "for format hf")
    name: Text | None = Field(None, description="hf: the dataset configuration")
    hf_split: Text = Field("train", description="hf: the split to load")
    revision: Text | None = Field(None, description="hf: a commit, tag or branch (recorded in the provenance)")
    data_files: Text | list[Text] | None = Field(None, description="hf: files for a packaged loader")
    layout: Layout = Field(
        "fields", description="fields: reasoning and final answer in their own fields; think: "
        "<think>reasoning</think>answer in a response field (a list of responses: several samples); messages: a chat "
        "(user turn = question)")
    fields: ImportFields = Field(description="which field of a row holds each part of a trace")
    filters: ImportFilters = Field(default_factory=ImportFilters, description="which rows to keep")
    problems: int | None = Field(None, ge=1, description="keep a seeded sample of N problems (all their samples)")
    seed: int = Field(0, ge=0, le=2**32 - 1, description="seed of the sample of `problems`")
    unmatched: Literal["drop", "error"] = Field(
        "drop", description="an imported trace belongs to the paired dataset's problem with the same id (fields.id "
        "mapped) or the same question; drop: traces of other problems are left out (counted); error: refused")

    @model_validator(mode="after")
    def _layout_fields(self) -> TraceImport:
        missing = [name for name in LAYOUT_FIELDS[self.layout] if getattr(self.fields, name) is None]
        if self.layout != "messages" and self.fields.question is None:
            missing.insert(0, "question")
        if missing:
            raise ValueError(f"layout {self.layout} needs fields.{', fields.'.join(missing)}")
        others = [name for layout, names in LAYOUT_FIELDS.items() if layout != self.layout for name in names
                  if getattr(self.fields, name) is not None]
        if others:
            raise ValueError(f"fields.{others[0]} belongs to another layout than {self.layout}")
        if self.layout != "fields" and self.fields.answer is not None:
            raise ValueError(f"layout {self.layout} reads the answer after </think>: drop fields.answer")
        hub_only = [key for key in ("name", "revision", "data_files") if getattr(self, key) is not None]
        if self.format != "hf" and hub_only:
            raise ValueError(f"{hub_only[0]} is for format hf only")
        for key in ("sources", "domains"):
            if getattr(self.filters, key) is not None and getattr(self.fields, key[:-1]) is None:
                raise ValueError(f"filters.{key} needs fields.{key[:-1]}")
        return self

    @property
    def local_file(self) -> bool:
        return self.format in ("jsonl", "parquet")

    @property
    def label(self) -> str:
        """The source as people name it: the file, or hf:<id>[/<name>][@<revision>][<split>]."""
        if self.format != "hf":
            return self.path
        label = f"hf:{self.path}" + (f"/{self.name}" if self.name else "")
        return label + (f"@{self.revision}" if self.revision else "") + f"[{self.hf_split}]"
