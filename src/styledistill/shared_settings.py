"""Settings that several stages take, each declared once: the stages' settings classes inherit these."""

from __future__ import annotations

from pydantic import model_validator

from styledistill.settings import Field, Settings, Text

MAX_SHARDS = 1024  # one job each: more would make the dry run build for minutes without a word


class Samples(Settings):
    n_samples: int = Field(1, ge=1, le=10_000, description="samples per problem")


class Limit(Settings):
    limit: int | None = Field(None, ge=1, description="use only the first N problems (null: all of them)")


class AnswerMarker(Settings):
    answer_marker: Text | None = Field(
        None, description="text that starts the final answer in an output without <think> tags (its last "
        "occurrence); null: the whole output is reasoning and the final answer is found in it")


class SystemPrompt(Settings):
    system_prompt: Text | None = Field(
        None, description="system message of the student's conversations, in training and in evaluation alike "
        "(null: none, so the chat template's default applies)")


class Shards(Settings):
    shards: int = Field(
        1, ge=1, le=MAX_SHARDS, description="split the problems into this many generation jobs (problem i goes to "
        "shard i mod shards), which a cluster runs in parallel and a merge joins by index; all shards share the "
        "request store, so changing the number re-sends nothing")


class Shard(Shards):
    """One job's shard of the problems."""

    shard: int = Field(0, ge=0)

    @model_validator(mode="after")
    def _in_range(self) -> Shard:
        if self.shard >= self.shards:
            raise ValueError(f"shard {self.shard} is not in 0..{self.shards - 1} (shards {self.shards})")
        return self
