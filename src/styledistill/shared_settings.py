"""Settings that several stages take, each declared once: the stages' settings classes inherit these."""

from __future__ import annotations

from styledistill.settings import Field, Settings, Text


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
