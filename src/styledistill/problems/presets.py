"""Named benchmarks: where each lives on the hub, how its rows map onto problems, and how its answers are graded.

A `datasets` entry `{source: preset, preset: math500}` reads the hub copy; with `path:` it reads a local copy that has
the same fields (JSONL, CSV or Parquet, e.g. the files in ../shared/data/). GPQA-Diamond is gated on the hub (set
HF_TOKEN) and may not be redistributed: point `path` at your own copy of gpqa_diamond.csv.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Choices:
    """A multiple-choice preset: the field of the correct option and the fields of the wrong ones."""

    correct: str
    incorrect: tuple[str, ...]


@dataclass(frozen=True)
class Preset:
    doc: str
    hub: str  # datasets.load_dataset path
    hf_split: str
    fields: dict[str, str]  # problem field -> the source's field (problems/settings.Fields)
    grader: str  # grading/graders.py
    name: str | None = None  # the hub dataset's configuration
    answer_pattern: str | None = None
    choices: Choices | None = None
    gated: bool = False  # the hub copy needs the user's token (HF_TOKEN)


PRESETS: dict[str, Preset] = {
    "math500": Preset("MATH-500, the PRM800K test split of MATH (500 problems, LaTeX answers)",
                      "HuggingFaceH4/MATH-500", "test",
                      {"id": "unique_id", "question": "problem", "answer": "answer", "level": "level"}, "math"),
    "aime24": Preset("AIME 2024 I and II (30 problems, integer answers 0-999)", "HuggingFaceH4/aime_2024", "train",
                     {"id": "id", "question": "problem", "answer": "answer"}, "integer"),
    "aime25": Preset("AIME 2025 I and II (30 problems, integer answers 0-999)", "math-ai/aime25", "test",
                     {"id": "id", "question": "problem", "answer": "answer"}, "integer"),
    "amc23": Preset("AMC 2023 (40 problems, numeric answers)", "math-ai/amc23", "test",
                    {"id": "id", "question": "question", "answer": "answer"}, "integer"),
    "gsm8k": Preset("GSM8K test (1,319 grade-school word problems; the answer follows ####)", "openai/gsm8k", "test",
                    {"question": "question", "answer": "answer"}, "number", name="main",
                    answer_pattern=r"####\s*(.+)$"),
    "gpqa-diamond": Preset(
        "GPQA-Diamond (198 graduate-level multiple-choice questions; options shuffled per question with a fixed seed)",
        "Idavidrein/gpqa", "train", {"id": "Record ID", "question": "Question", "answer": "Correct Answer"}, "choice",
        name="gpqa_diamond", gated=True,
        choices=Choices("Correct Answer", ("Incorrect Answer 1", "Incorrect Answer 2", "Incorrect Answer 3"))),
}
