"""evaluate settings: how many samples per benchmark problem, which pass@k to report, the student's prompt."""

from __future__ import annotations

from typing import Annotated

from pydantic import field_validator, model_validator

from styledistill.settings import Distinct, Field, Text
from styledistill.shared_settings import AnswerMarker, Limit, Samples, SystemPrompt

PROMPT_FIELDS = {"question"}


class BenchmarkSettings(Samples, Limit):
    pass_k: Annotated[list[Annotated[int, Field(ge=1)]], Distinct] = Field(
        [1], min_length=1, description="unbiased pass@k for each k (every k <= n_samples)")
    prompt: Text = Field(
        "{question}", description="the user message, a template with {question} (e.g. \"{question}\\n\\nPut your final "
        "answer in \\\\boxed{{}}.\"; literal braces doubled); the default is what the students are fine-tuned on: the "
        "question alone")

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


class EvalSettings(BenchmarkSettings, SystemPrompt, AnswerMarker):
    """One evaluation job: the benchmark's settings and how the family prompts (its recipe's system prompt, as in
    its training) and answers."""
