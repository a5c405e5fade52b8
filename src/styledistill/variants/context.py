"""What a variant builder is given: its input problems and, as its kind needs, the style profile, the ST set, the
generator with its prompt."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from styledistill.generation.generator import Generator
from styledistill.prompting import PromptTemplate
from styledistill.variants.settings import GeneratorSettings


@dataclass(frozen=True)
class BuildContext:
    variant: str
    settings: Any  # the kind's VariantSettings subclass
    source: pd.DataFrame  # problem_id, question, gold, reasoning, answer_text: ST, or the input variant's examples
    grader: str  # how the dataset's answers are graded (grading/graders.py)
    profile: dict[str, Any] | None = None  # the ST style profile (extract_features)
    reference: pd.DataFrame | None = None  # the ST set (what length matching aims at)
    budget: pd.DataFrame | None = None  # another variant's examples, whose words are a budget (token_matched)
    generator: GeneratorSettings | None = None
    template: PromptTemplate | None = None
    model: Generator | None = None
    failures_out: Path | None = None

    def need(self, name: str) -> Any:
        value = getattr(self, name)
        if value is None:
            raise ValueError(f"variant {self.variant} (kind {self.settings.kind}) was built without its {name}")
        return value
