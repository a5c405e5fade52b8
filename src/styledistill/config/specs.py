"""Job specs: what each rule passes its job, as one sorted JSON string (one params value, so Snakemake's params
trigger reruns exactly the jobs whose settings changed). One function per rule, named after it. Nested by owner:
`stage` for the stage's settings, `generation` for the backend's, `provider` for an API model's, `generator` and
`labels` where a rule takes them; `version` is the rule's code version (rules.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from styledistill.config.study import Study
from styledistill.decontamination.settings import MatchSettings
from styledistill.evaluation.settings import BenchmarkSettings, EvalJob, EvalSettings
from styledistill.features.settings import FeatureSettings
from styledistill.generation.api.settings import ProviderSettings
from styledistill.generation.settings import GenerationConfig
from styledistill.grading.settings import GradeSettings
from styledistill.models.sources import SOURCES as MODEL_SOURCES
from styledistill.problems.sources import SOURCES as PROBLEM_SOURCES
from styledistill.report.settings import ABLATION_CLAIM, BASE, PAPER_CONTRASTS, Contrast
from styledistill.rules import version
from styledistill.settings import only_keys
from styledistill.traces.settings import TraceJob, TraceSettings
from styledistill.variants.kinds import KINDS
from styledistill.variants.settings import AlignSettings, GeneratorSettings, SelectJob, TargetSettings


def spec_json(rule: str, /, **parts: Any) -> str:
    return json.dumps({"version": version(rule), **parts}, sort_keys=True)


def generation_parts(study: Study, model: str, generation: GenerationConfig) -> dict[str, Any]:
    """The backend's own keys, and the provider of an API model."""
    parts: dict[str, Any] = {"generation": generation.for_backend().to_spec()}
    if study.is_api(model):
        parts["provider"] = only_keys(study.models[model], ProviderSettings).to_spec()
    return parts


def download_model(study: Study, model: str) -> str:
    """A hub model's id and revision (its dtype is prepare_model's business)."""
    entry = study.models[model]
    return spec_json("download_model", stage={"source": entry.source, "path": entry.path,
                                              "revision": entry.revision})


def prepare_model(study: Study, model: str) -> str:
    """The model's source settings (a random model's tokenizer is an input of the job, not a setting)."""
    settings = study.models[model]
    return spec_json("prepare_model", stage=only_keys(settings, MODEL_SOURCES[settings.source].settings).to_spec())


def make_problems(study: Study, dataset: str) -> str:
    entry = study.datasets[dataset]
    return spec_json("make_problems", stage=only_keys(entry, PROBLEM_SOURCES[entry.source].settings).to_spec())


def grading(study: Study, grader: str) -> dict[str, Any]:
    """The grade settings of a job that grades with `grader`."""
    return GradeSettings(grader=grader, seconds=study.grade.seconds).to_spec()


def generate_traces(study: Study, teacher: str, shard: int) -> str:
    entry = study.teachers[teacher]
    stage = TraceJob.from_spec({**only_keys(entry, TraceSettings).to_spec(), "shard": shard},
                               f"config: teachers.{teacher}")
    return spec_json("generate_traces", stage=stage.to_spec(), **generation_parts(study, entry.model,
                                                                                   entry.generation))


def simulate_traces(study: Study, teacher: str) -> str:
    return spec_json("simulate_traces", stage=study.teachers[teacher].to_spec())


def import_traces(study: Study, teacher: str) -> str:
    return spec_json("import_traces", stage=study.teachers[teacher].to_spec())


def make_variant(study: Study, variant: str, dataset: str) -> str:
    settings = study.variants[variant]
    graded = grading(study, study.grader(dataset))
    if not KINDS[settings.kind].generated:
        return spec_json("make_variant", stage=settings.to_spec(), grading=graded)
    generator = study.generators[settings.generator]
    return spec_json("make_variant", stage=settings.to_spec(), grading=graded,
                     generator=only_keys(generator, GeneratorSettings).to_spec(),
                     **generation_parts(study, generator.model, generator.generation))


def publish_variant(study: Study, wildcards: Any) -> str:
    """A variant's settings and where it comes from (for its dataset card)."""
    settings = study.variants[wildcards.variant]
    labels = {"teacher": wildcards.teacher, "teacher_model": study.teacher_source(wildcards.teacher),
              "dataset": wildcards.dataset, "variant": wildcards.variant, "input": settings.input or "ST"}
    if KINDS[settings.kind].generated:
        labels.update(generator=settings.generator, generator_model=study.generators[settings.generator].model)
    return spec_json("publish_variant", stage=settings.to_spec(), labels=labels)


def train_sft(study: Study, family: str, seed: int) -> str:
    """The family's recipe overrides; a training seed other than 0 is added to the recipe's seed (so seed 0 trains
    exactly as a study without seeds did)."""
    stage = dict(study.families[family].sft)
    if seed:
        stage["seed"] = study.recipes[family]["seed"] + seed
    return spec_json("train_sft", stage=stage)


def _eval_stage(study: Study, family: str, benchmark: str) -> EvalSettings:
    return EvalSettings.model_validate({**only_keys(study.benchmarks[benchmark], BenchmarkSettings).to_spec(),
                                        "system_prompt": study.recipes[family]["system_prompt"],
                                        "answer_marker": study.families[family].answer_marker})


def _evaluate(rule: str, study: Study, family: str, benchmark: str, labels: dict[str, str]) -> str:
    return spec_json(rule, stage=_eval_stage(study, family, benchmark).to_spec(), labels=labels,
                     grading=grading(study, study.benchmark_grader(benchmark)),
                     **generation_parts(study, study.families[family].model, study.family_generation(family,
                                                                                                      benchmark)))


def answer(rule: str, study: Study, family: str, benchmark: str, shard: int) -> str:
    """A job of rule answer_base or answer_sft: one shard of the benchmark."""
    stage = EvalJob.from_spec({**_eval_stage(study, family, benchmark).to_spec(), "shard": shard}, "shard")
    return spec_json(rule, stage=stage.to_spec(),
                     **generation_parts(study, study.families[family].model, study.family_generation(family,
                                                                                                      benchmark)))


def evaluate_base(study: Study, family: str, benchmark: str, labels: dict[str, str]) -> str:
    return _evaluate("evaluate_base", study, family, benchmark, labels)


def evaluate_sft(study: Study, family: str, benchmark: str, labels: dict[str, str]) -> str:
    return _evaluate("evaluate_sft", study, family, benchmark, labels)


def _prompted(rule: str, study: Study, baseline: str, benchmark: str, labels: dict[str, str]) -> str:
    entry = study.baselines[baseline]
    stage = EvalSettings.model_validate({**only_keys(study.benchmarks[benchmark], BenchmarkSettings).to_spec(),
                                         "system_prompt": entry.system_prompt, "answer_marker": entry.answer_marker})
    return spec_json(rule, stage=stage.to_spec(), labels=labels,
                     grading=grading(study, study.benchmark_grader(benchmark)),
                     **generation_parts(study, entry.model, study.baseline_generation(baseline, benchmark)))


def evaluate_prompted(study: Study, baseline: str, benchmark: str, labels: dict[str, str]) -> str:
    return _prompted("evaluate_prompted", study, baseline, benchmark, labels)


def evaluate_styled(study: Study, baseline: str, benchmark: str, labels: dict[str, str]) -> str:
    return _prompted("evaluate_styled", study, baseline, benchmark, labels)


def measure_student_style(study: Study, labels: dict[str, Any]) -> str:
    return spec_json("measure_student_style", stage=study.features.style_check.to_spec(), labels=labels)


def measure_base_style(study: Study, labels: dict[str, Any]) -> str:
    return spec_json("measure_base_style", stage=study.features.style_check.to_spec(), labels=labels)


def grade(study: Study, dataset: str) -> str:
    return spec_json("grade", stage=grading(study, study.grader(dataset)))


def decontaminate(study: Study) -> str:
    return spec_json("decontaminate", stage=only_keys(study.decontaminate, MatchSettings).to_spec())


def build_st(study: Study) -> str:
    return spec_json("build_st", stage=study.build_st.to_spec())


def extract_features(study: Study) -> str:
    return spec_json("extract_features", stage=only_keys(study.features, FeatureSettings).to_spec())


def discover_pivots(study: Study) -> str:
    """Discovery's own settings, and the features' lexicon (for the nearest pivot type of each candidate)."""
    return spec_json("discover_pivots", stage=study.features.discover.to_spec(),
                     features=only_keys(study.features, FeatureSettings).to_spec())


def merge_traces() -> str:
    return spec_json("merge_traces")


def align_variants(study: Study) -> str:
    return spec_json("align_variants", stage=only_keys(study.build_variants, AlignSettings).to_spec())


def select_variant(study: Study, variant: str) -> str:
    align_on = study.build_variants.align_on
    job = SelectJob.from_spec({**only_keys(study.build_variants, TargetSettings).to_spec(),
                               "complete": align_on is None or variant in align_on}, "select_variant")
    return spec_json("select_variant", stage=job.to_spec())


def compare_variants() -> str:
    return spec_json("compare_variants")


def contrasts(study: Study) -> list[Contrast]:
    """The study's comparisons: report.contrasts, or the paper's for the variants it trains and each ablation − its
    input (null input: the ST set, i.e. the study's variant of kind st)."""
    if study.report.contrasts is not None:
        return study.report.contrasts
    trained = {BASE, *study.study.variants}
    chosen = [Contrast(a=a, b=b, claim=claim) for a, b, claim in PAPER_CONTRASTS if {a, b} <= trained]
    st = [v for v in study.study.variants if study.variants[v].kind == "st"]
    for name in study.study.variants:
        variant = study.variants[name]
        source = variant.input or (st[0] if st else None)
        if KINDS[variant.kind].ablation and source in trained:
            chosen.append(Contrast(a=name, b=source, claim=ABLATION_CLAIM))
    return chosen


def report(study: Study) -> str:
    """The report's settings (contrasts resolved for the study), and what matches the study to the paper's table:
    each family's recipe name and each benchmark's preset."""
    order = study.report.variant_order or study.study.variants
    benchmarks = {b: getattr(study.datasets[study.benchmarks[b].dataset], "preset", None)
                  for b in study.study.benchmarks}
    families = {f: Path(study.families[f].recipe).stem for f in study.study.families}
    return spec_json("report", stage=study.report.model_copy(update={"variant_order": order,
                                                                             "contrasts": contrasts(study)}).to_spec(),
                     study={"families": families, "benchmarks": benchmarks,
                            "teachers": {t: study.teacher_source(t) for t in study.study.teachers}})
