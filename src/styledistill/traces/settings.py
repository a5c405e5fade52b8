"""generate_traces settings: how many samples per problem, where the answer starts, and the job's shard."""

from __future__ import annotations

from pydantic import model_validator

from styledistill.settings import Field
from styledistill.shared_settings import AnswerMarker, Limit, Samples

MAX_SHARDS = 1024  # one job each: more would make the dry run build for minutes without a word
PROMPT_FIELDS = frozenset({"question"})  # what a teacher prompt must use, and all it may use


class TraceSettings(Samples, AnswerMarker, Limit):
    shards: int = Field(
        1, ge=1, le=MAX_SHARDS, description="split the problems into this many generation jobs (problem i goes to "
        "shard i mod shards), which a cluster runs in parallel; all shards share the request store, so changing the "
        "number re-sends nothing")


class TraceJob(TraceSettings):
    """One generation job: the teacher's settings and which shard it answers."""

    shard: int = Field(0, ge=0)

    @model_validator(mode="after")
    def _in_range(self) -> TraceJob:
        if self.shard >= self.shards:
            raise ValueError(f"shard {self.shard} is not in 0..{self.shards - 1} (shards {self.shards})")
        return self
