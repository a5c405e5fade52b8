"""evaluate settings: how many samples per benchmark problem, which pass@k to report, the student's prompt."""

from __future__ import annotations

from typing import Annotated

from pydantic import field_validator, model_validator

from styledistill.settings import Distinct, Field, Settings, Text

PROMPT_FIELDS = {"question"}


class BenchmarkSettings(Settings):
    n_samples: int = Field(1, ge=1, le=10_000)  # samples per problem
    # unbiased pass@k for each k (k <= n_samples)
    pass_k: Annotated[list[Annotated[int, Field(ge=1)]], Distinct] = Field([1], min_length=1)
    limit: int | None = Field(None, ge=1)  # use only the first N problems
    # The user message: a template with {question} (e.g. "{question}\n\nPut your final answer in \\boxed{{}}.");
    # literal braces doubled. The default is what the students are fine-tuned on: the question alone.
    prompt: Text = "{question}"

    @field_validator("prompt")
    @classmethod
    def _template(cls, value: str) -> str:
        from styledistill.errors import UserError
        from styledistill.prompting import PromptTemplate

        template = PromptTemplate(system=None, user=value, path="prompt")
        try:
            template.check()
        except UserError as exc:
            raise ValueError(str(exc).removeprefix("prompt: ")) from None
        if template.fields() != PROMPT_FIELDS:
            raise ValueError(f"must use {{question}} and no other placeholder, got {sorted(template.fields())}")
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
