"""A prompted baseline's style prompt: a template with the benchmark's {question} and fields of a teacher's style
profile ({style}, {words}, {pivots}, {stages}), so a model is asked to reason in the teacher's style without being
trained on it (the paper's GPT-4o with its structured style prompt)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from styledistill.prompting import PromptTemplate, load_prompt
from styledistill.variants.style_brief import PROFILE_FIELDS, prompt_fields

QUESTION = "question"


def load_style_prompt(path: str | Path) -> PromptTemplate:
    """The style prompt file, checked: {question} and any of the profile's fields."""
    return load_prompt(path, required={QUESTION}, allowed={QUESTION, *PROFILE_FIELDS})


@dataclass(frozen=True)
class StylePrompt:
    """A style prompt filled from one style profile; each benchmark prompt becomes a whole chat."""

    template: PromptTemplate
    fields: dict[str, str]

    @classmethod
    def of(cls, path: str | Path, profile: dict[str, Any]) -> StylePrompt:
        return cls(load_style_prompt(path), prompt_fields(profile))

    def messages(self, question: str) -> list[dict[str, str]]:
        return self.template.messages(**self.fields, question=question)
