"""evaluate settings: how many samples per benchmark problem, which pass@k to report, the student's prompt."""

from __future__ import annotations

from pydantic import field_validator, model_validator

from styledistill.settings import Field, Settings, Text


class BenchmarkSettings(Settings):
    n_samples: int = Field(1, ge=1, le=10_000)  # samples per problem
    pass_k: list[int] = Field([1], min_length=1)  # unbiased pass@k for each k (k <= n_samples)
    limit: int | None = Field(None, ge=1)  # use only the first N problems

    @field_validator("pass_k")
    @classmethod
    def _positive(cls, value: list[int]) -> list[int]:
        if any(k < 1 for k in value) or len(set(value)) != len(value):
            raise ValueError(f"must be distinct whole numbers >= 1, got {value}")
        return value

    @model_validator(mode="after")
    def _k_within_samples(self) -> BenchmarkSettings:
        too_large = [k for k in self.pass_k if k > self.n_samples]
        if too_large:
            raise ValueError(f"pass_k {too_large} exceeds n_samples {self.n_samples} (pass@k needs k <= n samples)")
        return self


class EvalSettings(BenchmarkSettings):
    """One evaluation job: the benchmark's settings and how the family prompts and answers."""

    system_prompt: Text | None = None  # the family's system message (the same as in its training)
    answer_marker: Text | None = None  # text that starts the final answer when there are no <think> tags
