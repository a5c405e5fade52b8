"""Config entries: a stage's settings plus what only the workflow uses (model references, prompt files, threads).

Each entry extends the settings class of the stage it configures, so a default lives in one place: the stage's
settings for what the stage reads, here for what only the workflow reads (threads, the work root).
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any, Literal

from styledistill.evaluation.settings import BenchmarkSettings
from styledistill.features.settings import DiscoverySettings, FeatureSettings
from styledistill.generation.settings import GenerationConfig
from styledistill.grading.settings import GradeLimits, GraderChoice, GraderName
from styledistill.report.settings import ReportSettings
from styledistill.settings import Distinct, Field, Key, Settings, Text
from styledistill.sft.recipe import overrides_schema
from styledistill.shared_settings import AnswerMarker
from styledistill.simulation.settings import SIMULATED, SimulatedTeacher
from styledistill.st.settings import BuildStSettings
from styledistill.style.settings import StyleCheck
from styledistill.traces.import_settings import TraceImport
from styledistill.traces.settings import TraceSettings
from styledistill.variants.settings import AlignSettings, GeneratorSettings, TargetSettings


class Threads(Settings):
    threads: int = Field(2, ge=1, le=1024, description="CPU threads of each of its jobs (Snakemake threads)")


class StudyEntry(Settings):
    """Which registry entries the run covers; rule all expands over these."""

    teachers: Annotated[list[Key], Distinct] = Field(min_length=1, description="teachers that answer the seed problems")
    datasets: Annotated[list[Key], Distinct] = Field(
        min_length=1, description="seed-problem datasets the teachers answer")
    variants: Annotated[list[Key], Distinct] = Field(
        min_length=1, description="training-set variants built from each ST set")
    families: Annotated[list[Key], Distinct] = Field(
        min_length=1, description="student families fine-tuned on each variant")
    benchmarks: Annotated[list[Key], Distinct] = Field(
        min_length=1, description="benchmarks every student is scored on")
    seeds: Annotated[list[Annotated[int, Field(ge=0, le=2**31 - 1)]], Distinct] = Field(
        default_factory=lambda: [0], min_length=1, description="training seeds: each fine-tuning runs once per seed "
        "(data order, dropout; added to the recipe's seed), so the report can tell a difference between variants "
        "from seed-to-seed spread")
    baselines: Annotated[list[Key], Distinct] = Field(
        default_factory=list, description="prompted baselines (keys of baselines) evaluated untrained on the "
        "benchmarks (each baseline's, or all of them), beside the fine-tuned students")
    seed_variants: Annotated[list[Key], Distinct] | None = Field(
        None, min_length=1, description="the variants trained with every seed (null: all); the others with the "
        "first seed only")


class TeacherEntry(TraceSettings, Threads):
    """A teacher model that answers the dataset's problems."""

    source: Literal["model"] = "model"
    model: Key = Field(description="key in models")
    prompt: Text = Field(description="prompt template YAML with a {question} placeholder")
    generation: GenerationConfig = Field(default_factory=GenerationConfig,
                                         description="how the model generates: backend, sampling, batching")


# A teacher whose traces are imported from a trace dataset (a JSONL/Parquet file or a hub dataset) instead of
# generated: the import's settings as they are.
ImportTeacherEntry = TraceImport
# A simulated teacher (not a model): traces of a known, planted style for the built-in problems.
SimulatedTeacherEntry = SimulatedTeacher
TEACHER_SOURCES: dict[str, type[Settings]] = {"model": TeacherEntry, "import": ImportTeacherEntry,
                                              SIMULATED: SimulatedTeacherEntry}


class GeneratorEntry(GeneratorSettings, Threads):
    """A model that writes synthetic traces (ST-HC, ST-HC-W, SBS)."""

    model: Key = Field(description="key in models")
    generation: GenerationConfig = Field(default_factory=GenerationConfig,
                                         description="how the model generates: backend, sampling, batching")


class FamilyEntry(AnswerMarker, Threads):
    """A student family: its base model, its SFT recipe (the recipe's `system_prompt` is used in evaluation too) and
    how it generates on the benchmarks."""

    model: Key = Field(description="key in models (the base student)")
    recipe: Text = Field(description="SFT recipe YAML in recipes/")
    sft: dict[str, Any] = Field(
        default_factory=dict, description="overrides of the recipe's keys for this family (e.g. learning_rate, "
        "system_prompt); see recipes/README.md", json_schema_extra=overrides_schema)
    generation: GenerationConfig = Field(default_factory=GenerationConfig,
                                         description="how the model generates: backend, sampling, batching")


class BaselineEntry(AnswerMarker, Threads):
    """A prompted baseline: a model of the registry (an API model too) evaluated untrained on the study's benchmarks,
    asked plainly and, with a style prompt, in each teacher's measured style: style prompting beside style
    fine-tuning."""

    model: Key = Field(description="key in models (any source; nothing is fine-tuned)")
    system_prompt: Text | None = Field(
        None, description="system message of the plain run (null: none, so the chat template's default applies)")
    style_prompt: Text | None = Field(
        None, description="prompt template YAML (prompts/style_prompted.yaml) with {question} and the style "
        "profile's {style}, {words}, {pivots}, {stages}: set, the model is also evaluated with it, once per teacher x "
        "dataset of the study (its system message replaces system_prompt); null: the plain run only")
    benchmarks: Annotated[list[Key], Distinct] | None = Field(
        None, min_length=1, description="the study's benchmarks it answers (null: all of them)")
    generation: GenerationConfig = Field(default_factory=GenerationConfig,
                                         description="how the model generates: backend, sampling, batching (each "
                                         "benchmark's generation overrides apply on top)")


class BenchmarkEntry(BenchmarkSettings):
    """A benchmark: a test dataset, how many samples per problem, and how the students are asked."""

    dataset: Key = Field(description="key in datasets")
    grader: GraderName | None = Field(None, description="overrides the dataset's grader (null: the dataset's)")
    generation: GenerationConfig = Field(
        default_factory=GenerationConfig, description="overrides of the family's generation settings: only the keys "
        "written here count")


class FeaturesEntry(FeatureSettings):
    """Style features (rule extract_features): the pivot lexicon, the spaCy pipeline, the statistics; how students'
    outputs are compared with the teacher's style; pivot discovery."""

    threads: int = Field(1, ge=1, le=1024, description="CPU processes of each extract_features job, and of each "
                         "publish_variant job (it measures the variant's new reasonings)")
    style_check: StyleCheck = Field(
        default_factory=StyleCheck, description="how each student's benchmark outputs are compared with the teacher's "
        "ST profile (rule measure_student_style, the report's style-transfer table): the same robust z-scores as a "
        "variant's check")
    discover: DiscoverySettings | None = Field(
        None, description="set: rank pivot candidates (rule discover_pivots, "
        "results/features/<teacher>/<dataset>/pivot_candidates): sentence- and clause-initial 1-4-grams of the "
        "reasoning over-represented against a reference corpus")


class GradeEntry(GradeLimits):
    """The time limit of every grade (the grader itself is chosen per dataset and benchmark)."""

    threads: int = Field(1, ge=1, le=1024, description="CPU processes of each grade job")


@cache
def dataset_entry(source: type[Settings]) -> type[Settings]:
    """A `datasets` entry: its problem source's settings and the grader its answers need."""
    return type(f"{source.__name__}Entry", (source, GraderChoice), {"__module__": __name__})


# Stage blocks whose entry is the stage's settings as they are.
BuildStEntry = BuildStSettings


class AlignEntry(AlignSettings, TargetSettings):
    """Alignment (rule align_variants) and the training targets' form (rule select_variant)."""

ReportEntry = ReportSettings


class WorkflowEntry(Settings):
    """Top-level keys of the workflow itself."""

    work: Text = Field(
        "work", description="root of restartable state (the request store, SFT checkpoints, download caches)")
