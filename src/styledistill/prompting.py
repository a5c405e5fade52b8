"""Prompt templates (YAML files under prompts/) and the chat layout shared by generation, SFT and evaluation."""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from styledistill.errors import UserError
from styledistill.io import read_yaml

THINK_OPEN, THINK_CLOSE = "<think>", "</think>"


@dataclass(frozen=True)
class PromptTemplate:
    """A system message (optional) and a user message with `{field}` placeholders."""

    system: str | None
    user: str
    path: str = "<inline>"

    def fields(self) -> set[str]:
        return {name for text in self._texts() for _, name, _, _ in string.Formatter().parse(text) if name}

    def _texts(self) -> list[str]:
        return [self.user] + ([self.system] if self.system else [])

    def check(self) -> None:
        """Every placeholder is `{name}` (a name, optionally with a conversion or format); literal braces doubled."""
        for text in self._texts():
            try:
                parsed = list(string.Formatter().parse(text))
            except ValueError as exc:
                raise UserError(f"{self.path}: not a valid template: {exc} (write literal braces as {{{{ and }}}})")\
                    from None
            for _, name, _, _ in parsed:
                if name is not None and not name.isidentifier():
                    raise UserError(f"{self.path}: placeholder {{{name}}} must be a name such as {{question}} "
                                    "(write literal braces as {{ and }})")

    def messages(self, **values: Any) -> list[dict[str, str]]:
        missing = self.fields() - values.keys()
        if missing:
            raise UserError(f"{self.path}: placeholder(s) {sorted(missing)} have no value here")
        out = [{"role": "system", "content": self.system.format(**values)}] if self.system else []
        return out + [{"role": "user", "content": self.user.format(**values)}]


def load_prompt(path: str | Path, required: set[str], allowed: set[str]) -> PromptTemplate:
    """A prompt file, checked: it must use every `required` placeholder and no other than the `allowed` ones."""
    data = read_yaml(path, "prompt file")
    if not isinstance(data, dict) or not isinstance(data.get("user"), str):
        raise UserError(f"{path}: needs a 'user' template string (and optionally 'system')")
    unknown = set(data) - {"system", "user", "description"}
    if unknown:
        raise UserError(f"{path}: unknown key(s) {sorted(unknown)} (allowed: system, user, description)")
    if data.get("system") is not None and not isinstance(data["system"], str):
        raise UserError(f"{path}: 'system' must be a template string")
    template = PromptTemplate(system=data.get("system"), user=data["user"], path=str(path))
    template.check()
    absent = set(required) - template.fields()
    if absent:
        raise UserError(f"{path}: template must use placeholder(s) {sorted(absent)}")
    extra = template.fields() - set(allowed)
    if extra:
        raise UserError(f"{path}: unknown placeholder(s) {sorted(extra)} (this prompt fills: {sorted(allowed)})")
    return template


def student_messages(question: str, system: str | None = None) -> list[dict[str, str]]:
    """The prompt a student sees, in SFT and in evaluation alike."""
    head = [{"role": "system", "content": system}] if system else []
    return head + [{"role": "user", "content": question}]


def plain_target(reasoning: str, answer_text: str) -> str:
    """The reasoning as plain text before the answer (a recipe's `reasoning_layout: plain`)."""
    return "\n\n".join(part for part in (reasoning.strip(), answer_text.strip()) if part)


def assistant_target(reasoning: str, answer_text: str) -> str:
    """What the student learns to write: reasoning inside think tags, then the answer; no tags without reasoning."""
    reasoning, answer_text = reasoning.strip(), answer_text.strip()
    if not reasoning:
        return answer_text
    return f"{THINK_OPEN}\n{reasoning}\n{THINK_CLOSE}\n\n{answer_text}"
