"""generate_traces settings: how many samples per problem, where the answer starts, and the job's shard."""

from __future__ import annotations

from pydantic import model_validator

from styledistill.settings import Field, Settings, Text

MAX_SHARDS = 1024  # one job each: more would make the dry run build for minutes without a word
PROMPT_FIELDS = frozenset({"question"})  # what a teacher prompt must use, and all it may use


class TraceSettings(Settings):
    n_samples: int = Field(1, ge=1, le=10_000)  # samples per problem
    answer_marker: Text | None = None  # text that starts the final answer when there are no <think> tags
    limit: int | None = Field(None, ge=1)  # use only the first N problems
    # Generation jobs the problems are split into (problem i goes to shard i mod shards); they share the store.
    shards: int = Field(1, ge=1, le=MAX_SHARDS)


class TraceJob(TraceSettings):
    """One generation job: the teacher's settings and which shard it answers."""

    shard: int = Field(0, ge=0)

    @model_validator(mode="after")
    def _in_range(self) -> TraceJob:
        if self.shard >= self.shards:
            raise ValueError(f"shard {self.shard} is not in 0..{self.shards - 1} (shards {self.shards})")
        return self
