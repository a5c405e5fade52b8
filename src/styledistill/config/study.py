"""Load and check the whole config before any job: every entry built from its settings, every reference resolved,
every file the config names read and checked, contradictions between entries refused. Errors are one line."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from styledistill.config.entries import (
    TEACHER_SOURCES,
    AlignEntry,
    BaselineEntry,
    BenchmarkEntry,
    BuildStEntry,
    FamilyEntry,
    FeaturesEntry,
    GeneratorEntry,
    GradeEntry,
    ReportEntry,
    StudyEntry,
    TeacherEntry,
    WorkflowEntry,
    dataset_entry,
)
from styledistill.config.resources import ResourcesEntry
from styledistill.decontamination.settings import DecontaminationSettings
from styledistill.errors import UserError
from styledistill.generation.settings import GenerationConfig
from styledistill.models.sources import SOURCES as MODEL_SOURCES
from styledistill.problems.sources import SOURCES as PROBLEM_SOURCES
from styledistill.settings import KEY_PATTERN, Settings, literal_of, pick
from styledistill.sft.recipe import Recipe
from styledistill.simulation.settings import SIMULATED, SimulatedTeacher
from styledistill.traces.import_settings import TraceImport
from styledistill.tracking import TrackingSettings
from styledistill.variants.settings import KIND_SETTINGS, VariantSettings


@dataclass(frozen=True)
class Registry:
    """A config registry: entries by key (the keys become wildcards), each of the settings class its discriminator
    names (or of one class)."""

    description: str
    classes: Mapping[str, type[Settings]]  # by discriminator value; {"": cls} for a registry of one class
    discriminator: str | None = None
    default: str | None = None  # the discriminator's value when an entry leaves it out
    required: bool = True  # the config must have at least one entry

    def build(self, value: Any, where: str) -> Settings:
        if self.discriminator is None:
            return self.classes[""].from_spec(value, where)
        if self.default is not None and isinstance(value, Mapping):
            value = {self.discriminator: self.default, **value}
        return pick(self.classes, value, self.discriminator, where).from_spec(value, where)


REGISTRIES: dict[str, Registry] = {
    "models": Registry("Model sources, by key. Teachers, generators and families refer to these keys.",
                       {name: source.config_entry for name, source in MODEL_SOURCES.items()}, "source"),
    "datasets": Registry("Problem sources, by key: seed problems for teachers (split train) and benchmark problems "
                         "(split test).",
                         {name: dataset_entry(source.settings) for name, source in PROBLEM_SOURCES.items()}, "source"),
    "teachers": Registry("Teachers whose correct traces form ST: a model that answers the seed problems (source model, "
                         "the default), traces imported from a trace dataset (source import), paired with each "
                         "study dataset's problems by id or question, or a simulator that writes traces of a known, "
                         "planted style for the built-in problems (source simulated).", TEACHER_SOURCES, "source",
                         default=literal_of(TeacherEntry, "source")),
    "generators": Registry("Non-reasoning models that write the synthetic variants.", {"": GeneratorEntry},
                           required=False),
    "variants": Registry("Training-set variants built from each ST set (or from another variant's accepted examples, "
                         "`input`), aligned to the same problems; `kind` picks how (variants/kinds.py).",
                         KIND_SETTINGS, "kind"),
    "families": Registry("Student families fine-tuned on each variant and evaluated.", {"": FamilyEntry}),
    "benchmarks": Registry("Benchmarks every student answers.", {"": BenchmarkEntry}),
    "baselines": Registry("Prompted baselines: models evaluated untrained, plainly and with a style prompt.",
                          {"": BaselineEntry}, required=False),
}
BLOCKS = {"decontaminate": DecontaminationSettings, "build_st": BuildStEntry, "features": FeaturesEntry,
          "build_variants": AlignEntry, "grade": GradeEntry, "report": ReportEntry, "resources": ResourcesEntry,
          "tracking": TrackingSettings}
REQUIRED = ("study", *(name for name, registry in REGISTRIES.items() if registry.required))


@dataclass(frozen=True)
class Study:
    """The config, typed: one settings object per entry."""

    workflow: WorkflowEntry
    study: StudyEntry
    models: dict[str, Settings]
    datasets: dict[str, Settings]
    teachers: dict[str, TeacherEntry | TraceImport | SimulatedTeacher]
    generators: dict[str, GeneratorEntry]
    variants: dict[str, VariantSettings]
    families: dict[str, FamilyEntry]
    benchmarks: dict[str, BenchmarkEntry]
    baselines: dict[str, BaselineEntry]
    decontaminate: DecontaminationSettings
    build_st: BuildStEntry
    features: FeaturesEntry
    build_variants: AlignEntry
    grade: GradeEntry
    report: ReportEntry
    resources: ResourcesEntry
    tracking: TrackingSettings
    recipes: dict[str, Recipe] = field(default_factory=dict)  # each family's recipe, resolved

    def seeds_of(self, variant: str) -> list[int]:
        """The training seeds of a variant's students."""
        chosen = self.study.seed_variants
        return self.study.seeds if chosen is None or variant in chosen else self.study.seeds[:1]

    def is_api(self, model: str) -> bool:
        return self.models[model].source == "api"

    def imports(self, teacher: str) -> bool:
        """Does the teacher import its traces from a trace dataset (rather than generate them)?"""
        return self.teachers[teacher].source == "import"

    def simulates(self, teacher: str) -> bool:
        """Is the teacher a simulator of a planted style (rather than a model or a trace dataset)?"""
        return self.teachers[teacher].source == SIMULATED

    @property
    def model_teachers(self) -> dict[str, TeacherEntry]:
        return {name: t for name, t in self.teachers.items() if t.source == "model"}

    def teacher_source(self, teacher: str) -> str:
        """What the teacher's traces come from: its model's key, the trace dataset it imports, or "simulated"
        (SIMULATED)."""
        if self.imports(teacher):
            return self.teachers[teacher].label
        if self.simulates(teacher):
            return SIMULATED
        return self.teachers[teacher].model

    def shards(self, teacher: str) -> int:
        """Jobs that produce the teacher's traces for one dataset (an import or a simulation is one job)."""
        return self.teachers[teacher].shards if teacher in self.model_teachers else 1

    def family_generation(self, family: str, benchmark: str) -> GenerationConfig:
        """A family's generation settings with the benchmark's overrides on top."""
        return self.families[family].generation.overridden(self.benchmarks[benchmark].generation)

    def baseline_generation(self, baseline: str, benchmark: str) -> GenerationConfig:
        """A prompted baseline's generation settings with the benchmark's overrides on top."""
        return self.baselines[baseline].generation.overridden(self.benchmarks[benchmark].generation)

    def baseline_benchmarks(self) -> list[tuple[str, str]]:
        """Every (prompted baseline, benchmark) the study evaluates."""
        return [(b, m) for b in self.study.baselines for m in self.study.benchmarks
                if self.baselines[b].benchmarks is None or m in self.baselines[b].benchmarks]

    def grader(self, dataset: str) -> str:
        entry = self.datasets[dataset]
        return entry.grader or PROBLEM_SOURCES[entry.source].grader(entry)

    def decontamination_benchmarks(self) -> list[str]:
        """The benchmarks the training problems are checked against (none when decontamination is off)."""
        settings = self.decontaminate
        return [] if not settings.enabled else list(settings.benchmarks or self.study.benchmarks)

    def benchmark_grader(self, benchmark: str) -> str:
        entry = self.benchmarks[benchmark]
        return entry.grader or self.grader(entry.dataset)


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise UserError(f"{where}: must be a mapping, got {type(value).__name__}")
    return value


def _registry(raw: Mapping[str, Any], name: str) -> dict[str, Any]:
    entries = _mapping(raw.get(name) or {}, f"config: {name}")
    if REGISTRIES[name].required and not entries:
        raise UserError(f"config: {name}: needs at least one entry")
    out = {}
    for key, value in entries.items():
        if not isinstance(key, str) or not re.fullmatch(KEY_PATTERN, key):
            raise UserError(f"config: {name}: key {key!r} must be letters, digits, '_', '.' or '-' (it becomes a "
                            "path component)")
        out[key] = REGISTRIES[name].build(value, f"config: {name}.{key}")
    return out


def load(raw: Mapping[str, Any]) -> Study:
    """The typed study of a loaded config; raises UserError (one line) on the first problem found."""
    from styledistill.config import checks

    raw = _mapping(raw, "config")
    known = {*REGISTRIES, *REQUIRED, *BLOCKS, *WorkflowEntry.model_fields}
    unknown = sorted(map(str, set(raw) - known))
    if unknown:
        raise UserError(f"config: unknown key(s) {unknown} (allowed: {', '.join(sorted(known))})")
    missing = [key for key in REQUIRED if key not in raw]
    if missing:
        raise UserError(f"config: {missing[0]!r} is required")
    study = Study(
        workflow=WorkflowEntry.from_spec({k: raw[k] for k in WorkflowEntry.model_fields if k in raw}, "config"),
        study=StudyEntry.from_spec(raw["study"], "config: study"),
        models=_registry(raw, "models"),
        datasets=_registry(raw, "datasets"),
        teachers=_registry(raw, "teachers"),
        generators=_registry(raw, "generators"),
        variants=_registry(raw, "variants"),
        families=_registry(raw, "families"),
        benchmarks=_registry(raw, "benchmarks"),
        baselines=_registry(raw, "baselines"),
        **{name: cls.from_spec(raw.get(name), f"config: {name}") for name, cls in BLOCKS.items()},
    )
    checks.references(study)
    checks.roles(study)
    checks.size(study)
    return replace(study, recipes=checks.files(study))
