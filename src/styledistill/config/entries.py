"""Config entries: a stage's settings plus what only the workflow uses (model references, prompt files, threads).

Each entry extends the settings class of the stage it configures, so a default lives in one place: the stage's
settings for what the stage reads, here for what only the workflow reads (threads, the work root).
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any, Literal

from styledistill.evaluation.settings import BenchmarkSettings
from styledistill.features.settings import DiscoverySettings, FeatureSettings, StyleCheck
from styledistill.generation.settings import GenerationConfig
from styledistill.grading.settings import GradeLimits, GraderChoice, GraderName
from styledistill.report.settings import ReportSettings
from styledistill.settings import Distinct, Field, Key, Settings, Text
from styledistill.st.settings import BuildStSettings
from styledistill.traces.import_settings import TraceImport
from styledistill.traces.settings import TraceSettings
from styledistill.variants.settings import AlignSettings, GeneratorSettings

Threads = Field(2, ge=1, le=1024)  # CPU threads of each of the entry's jobs (Snakemake threads)


class StudyEntry(Settings):
    """Which registry entries the run covers; rule all expands over these."""

    teachers: Annotated[list[Key], Distinct] = Field(min_length=1)
    datasets: Annotated[list[Key], Distinct] = Field(min_length=1)
    variants: Annotated[list[Key], Distinct] = Field(min_length=1)
    families: Annotated[list[Key], Distinct] = Field(min_length=1)
    benchmarks: Annotated[list[Key], Distinct] = Field(min_length=1)


class TeacherEntry(TraceSettings):
    """A teacher model that answers the dataset's problems."""

    source: Literal["model"] = "model"
    model: Key
    prompt: Text  # prompt template YAML with a {question} placeholder
    generation: GenerationConfig = Field(default_factory=GenerationConfig)
    threads: int = Threads


# A teacher whose traces are imported from a trace dataset (a JSONL/Parquet file or a hub dataset) instead of
# generated: the import's settings as they are.
ImportTeacherEntry = TraceImport
TEACHER_SOURCES: dict[str, type[Settings]] = {"model": TeacherEntry, "import": ImportTeacherEntry}


class GeneratorEntry(GeneratorSettings):
    model: Key
    generation: GenerationConfig = Field(default_factory=GenerationConfig)
    threads: int = Threads


class FamilyEntry(Settings):
    model: Key  # the base student
    recipe: Text  # SFT recipe YAML (recipes/)
    sft: dict[str, Any] = Field(default_factory=dict)  # overrides of the recipe's keys (checked with the recipe)
    system_prompt: Text | None = None  # system message in training and evaluation
    answer_marker: Text | None = None
    generation: GenerationConfig = Field(default_factory=GenerationConfig)
    threads: int = Threads


class BenchmarkEntry(BenchmarkSettings):
    dataset: Key
    grader: GraderName | None = None  # null: the dataset's grader
    # Overrides of the family's generation settings: only the keys written here count.
    generation: GenerationConfig = Field(default_factory=GenerationConfig)


class FeaturesEntry(FeatureSettings):
    threads: int = Field(1, ge=1, le=1024)
    # how each student's benchmark outputs are compared with the teacher's ST profile (rule measure_student_style)
    style_check: StyleCheck = Field(default_factory=StyleCheck)
    discover: DiscoverySettings | None = None  # set: rank pivot candidates (rule discover_pivots)


class GradeEntry(GradeLimits):
    """The time limit of every grade (the grader itself is chosen per dataset and benchmark)."""

    threads: int = Field(1, ge=1, le=1024)


@cache
def dataset_entry(source: type[Settings]) -> type[Settings]:
    """A `datasets` entry: its problem source's settings and the grader its answers need."""
    return type(f"{source.__name__}Entry", (source, GraderChoice), {"__module__": __name__})


# Stage blocks whose entry is the stage's settings as they are.
BuildStEntry = BuildStSettings
AlignEntry = AlignSettings
ReportEntry = ReportSettings


class WorkflowEntry(Settings):
    """Top-level keys of the workflow itself."""

    work: Text = "work"  # root of restartable state: the request store, SFT checkpoints, download caches
