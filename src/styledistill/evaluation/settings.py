"""evaluate settings: how many samples per benchmark problem, which pass@k to report, the student's prompt, budget
forcing, and how many jobs answer it."""

from __future__ import annotations

from typing import Annotated

from pydantic import field_validator, model_validator

from styledistill.prompting import THINK_CLOSE
from styledistill.settings import Distinct, Field, Settings, Text
from styledistill.shared_settings import AnswerMarker, Limit, Samples, Shard, Shards, SystemPrompt

PROMPT_FIELDS = {"question"}


class BudgetForcing(Settings):
    """s1's budget forcing (Muennighoff et al., 2025), a pivot intervention at test time: the student thinks in
    rounds that stop at `end_of_thinking`. The first `waits` times it ends its thinking, `wait` replaces the end and
    it thinks on; once its thinking reaches `max_thinking_tokens`, the end is written for it. A last round writes the
    answer."""

    max_thinking_tokens: int | None = Field(
        None, ge=1, le=1_048_576, description="cap on the thinking, all rounds together; reaching it ends the "
        "thinking for the student (null: the generation's max_new_tokens)")
    waits: int = Field(0, ge=0, le=64, description="times the student's end of thinking is replaced by `wait` "
                       "(0: no extension, only the cap)")
    wait: Text = Field("Wait", description="what replaces the end of thinking, s1's \"Wait\"")
    end_of_thinking: Text = Field(THINK_CLOSE, description="what ends the thinking (the students' layout: </think>)")
    answer_tokens: int = Field(1024, ge=1, le=1_048_576, description="budget of the answer round")


class BenchmarkSettings(Samples, Limit, Shards):
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

    budget_forcing: BudgetForcing | None = Field(
        None, description="set: the students think under s1's budget forcing (a cap and/or \"Wait\" extensions); "
        "give the forced benchmark a key of its own (e.g. aime24-wait2) to compare it with the plain one")

    @model_validator(mode="after")
    def _k_within_samples(self) -> BenchmarkSettings:
        too_large = [k for k in self.pass_k if k > self.n_samples]
        if too_large:
            raise ValueError(f"pass_k {too_large} exceeds n_samples {self.n_samples} (pass@k needs k <= n samples)")
        return self


class EvalSettings(BenchmarkSettings, SystemPrompt, AnswerMarker):
    """One evaluation job: the benchmark's settings and how the family prompts (its recipe's system prompt, as in
    its training) and answers."""


class EvalJob(EvalSettings, Shard):
    """One answering job: a shard of the benchmark's problems (rules answer_base and answer_sft)."""
