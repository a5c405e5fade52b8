"""What each rule's input functions compute from the typed study (rules files hold rules only; the logic is here,
where it is tested)."""

from __future__ import annotations

from itertools import product
from typing import Any

from styledistill.config import paths
from styledistill.config.resources import DEFAULTS, RuleResources
from styledistill.config.study import Study
from styledistill.models.size import parameters, prepare_needs
from styledistill.problems.sources import SOURCES as PROBLEM_SOURCES
from styledistill.variants.kinds import KINDS


def model_input(study: Study, model: str) -> list[str]:
    """The prepared model directory a job reads; none for an API model."""
    return [] if study.is_api(model) else [paths.MODEL.format(model=model)]


def tokenizer_source(study: Study, wildcards: Any) -> list[str]:
    model = study.models[wildcards.model]
    return [paths.MODEL.format(model=model.tokenizer_from)] if model.source == "random" else []


def model_download(study: Study, wildcards: Any) -> list[str]:
    """A hub model's download record (rule download_model); none for every other source."""
    from styledistill.models.download_model import is_hub_id

    model = study.models[wildcards.model]
    hub = model.source == "hf" and is_hub_id(model.path)
    return [paths.MODEL_DOWNLOAD.format(model=wildcards.model)] if hub else []


def dataset_files(study: Study, wildcards: Any) -> list[str]:
    dataset = study.datasets[wildcards.dataset]
    return PROBLEM_SOURCES[dataset.source].local_files(dataset)


def seed_problems(study: Study, wildcards: Any) -> str:
    """The problems a teacher answers (or its imported traces are paired with): the cleaned ones when
    decontamination is on."""
    pattern = paths.CLEAN_PROBLEMS if study.decontaminate.enabled else paths.PROBLEMS
    return pattern.format(dataset=wildcards.dataset)


def decontamination_inputs(study: Study) -> dict[str, str]:
    """Each benchmark checked against, by name: its dataset's problems."""
    return {name: paths.PROBLEMS.format(dataset=study.benchmarks[name].dataset)
            for name in study.decontamination_benchmarks()}


def decontamination_args(inputs: dict[str, str]) -> str:
    return " ".join(f"{name}={path}" for name, path in inputs.items())


def study_decontamination(study: Study, output: str = "summary") -> list[str]:
    """The decontamination outputs of the study's training sets (none when it is off)."""
    if not study.decontaminate.enabled:
        return []
    return [paths.DECONTAMINATION[output].format(dataset=d) for d in study.study.datasets]


def import_files(study: Study, wildcards: Any) -> list[str]:
    """The local trace file an imported teacher reads (a rule input); none for a hub dataset."""
    spec = study.teachers[wildcards.teacher]
    return [spec.path] if spec.local_file else []


def trace_shards(study: Study, wildcards: Any) -> list[str]:
    return [paths.TRACE_SHARD.format(teacher=wildcards.teacher, dataset=wildcards.dataset, shard=shard)
            for shard in range(study.teachers[wildcards.teacher].shards)]


def generator(study: Study, variant: str) -> Any:
    """The generator entry of a generated variant; None for the other kinds."""
    settings = study.variants[variant]
    return study.generators[settings.generator] if KINDS[settings.kind].generated else None


def variant_resources(study: Study, variant: str) -> tuple[int, int]:
    """(threads, gpus) of a make_variant job: its generator's, or one thread and no GPU when nothing generates."""
    gen = generator(study, variant)
    return (gen.threads, gen.generation.gpus) if gen is not None else (1, 0)


def teacher_api(study: Study, teacher: str) -> int:
    """1 when the teacher's jobs call a paid API (the `api` resource that throttles them), else 0."""
    teacher_entry = study.teachers[teacher]
    return int(teacher in study.model_teachers and study.is_api(teacher_entry.model))


def variant_api(study: Study, variant: str) -> int:
    """1 when the variant's generator calls a paid API, else 0."""
    gen = generator(study, variant)
    return int(gen is not None and study.is_api(gen.model))


def baseline_api(study: Study, baseline: str) -> int:
    """1 when the prompted baseline calls a paid API, else 0."""
    return int(study.is_api(study.baselines[baseline].model))


def prompted_on_submit_host(study: Study) -> bool:
    """Prompted baselines run on the submitting host when API jobs do and every baseline of the study is an API
    model (a local model's job goes to the cluster like a student's)."""
    models = [study.baselines[b].model for b in study.study.baselines]
    return study.resources.api_jobs_on_submit_host and bool(models) and all(map(study.is_api, models))


def variant_inputs(study: Study, wildcards: Any) -> dict[str, str]:
    """A variant's input (ST, or the variant it builds on) and what its kind needs: the style profile, the ST set as
    a reference, its generator's model and prompt."""
    variant = study.variants[wildcards.variant]
    kind = KINDS[variant.kind]
    where = {"teacher": wildcards.teacher, "dataset": wildcards.dataset}
    inputs = {"input": paths.ST.format(**where) if variant.input is None
              else paths.VARIANT_RAW.format(variant=variant.input, **where)}
    if kind.uses_profile:
        inputs["profile"] = paths.FEATURES["profile"].format(**where)
    if kind.uses_reference:
        inputs["reference"] = paths.ST.format(**where)
    if kind.uses_budget and variant.budget_of is not None:
        inputs["budget"] = paths.VARIANT_RAW.format(variant=variant.budget_of, **where)
    gen = generator(study, wildcards.variant)
    if gen is not None:
        for model in model_input(study, gen.model):  # an API generator has no model directory
            inputs["model"] = model
        inputs["prompt"] = variant.prompt
    return inputs


def variant_args(inputs: Any) -> str:
    """A variant's files besides its input as CLI arguments (model, prompt, profile, reference, where its kind
    has them)."""
    return " ".join(f"--{name} {path}" for name, path in inputs.items() if name != "input")


def publish_inputs(study: Study, wildcards: Any) -> dict[str, str]:
    """What a variant's card is made from besides its training set: its raw examples, the ST set, its traces'
    features and the profile, its prompt."""
    where = {"teacher": wildcards.teacher, "dataset": wildcards.dataset}
    inputs = {"raw": paths.VARIANT_RAW.format(variant=wildcards.variant, **where),
              "st": paths.ST.format(**where), "features": paths.FEATURES["features"].format(**where),
              "profile": paths.FEATURES["profile"].format(**where)}
    if KINDS[study.variants[wildcards.variant].kind].generated:
        inputs["prompt"] = study.variants[wildcards.variant].prompt
    if study.decontaminate.enabled:
        inputs["decontamination"] = paths.DECONTAMINATION["summary"].format(dataset=wildcards.dataset)
    return inputs


def aligned_problems(checkpoints: Any, wildcards: Any) -> str:
    """The aligned problem ids a variant's training set is selected for, once the align checkpoint is done: a file
    named by their digest (marked ancient, so a rerun of the checkpoint that keeps the ids reruns nothing; new ids
    are a new file name, which Snakemake's input-set trigger reruns)."""
    from snakemake.io import ancient

    from styledistill.variants.align import problems_file

    directory = checkpoints.align_variants.get(teacher=wildcards.teacher, dataset=wildcards.dataset).output[0]
    return ancient(problems_file(directory))


def once_aligned(checkpoints: Any, pattern: str) -> Any:
    """An input function for `pattern` that Snakemake evaluates only after the align checkpoint of the job's
    teacher and dataset (without this, Snakemake reruns every job downstream of a rule that depends on a checkpoint
    whenever the checkpoint runs; deferred, each is judged on its own inputs)."""
    def inputs(wildcards: Any) -> str:
        checkpoints.align_variants.get(teacher=wildcards.teacher, dataset=wildcards.dataset)
        return pattern.format(**dict(wildcards.items()))
    return inputs


def eval_problems(study: Study, wildcards: Any) -> str:
    return paths.PROBLEMS.format(dataset=study.benchmarks[wildcards.benchmark].dataset)


def eval_shards(study: Study, wildcards: Any) -> list[str]:
    """The shard answers an evaluate job joins: none for a benchmark of one shard (the job answers it itself)."""
    shards = study.benchmarks[wildcards.benchmark].shards
    if shards == 1:
        return []
    pattern = paths.EVAL_SFT_SHARD if "seed" in wildcards.keys() else paths.EVAL_BASE_SHARD
    return [pattern.format(**dict(wildcards.items()), shard=shard) for shard in range(shards)]


def eval_gpus(study: Study, wildcards: Any) -> int:
    """An evaluate job's GPUs: none when its shards answered (it only grades)."""
    if study.benchmarks[wildcards.benchmark].shards > 1:
        return 0
    return study.family_generation(wildcards.family, wildcards.benchmark).gpus


def eval_labels(wildcards: Any) -> dict[str, Any]:
    """What a scores file says it scored (base students have no teacher, dataset, variant or training seed)."""
    labels = {"family": wildcards.family, "benchmark": wildcards.benchmark,
              "variant": wildcards.get("variant", "base"), "teacher": wildcards.get("teacher", ""),
              "dataset": wildcards.get("dataset", "")}
    return {**labels, "seed": int(wildcards.seed)} if "seed" in wildcards.keys() else labels


def prompted_labels(study: Study, wildcards: Any) -> dict[str, str]:
    """What a prompted baseline's scores file says it scored: the plain run has no teacher or dataset."""
    return {"baseline": wildcards.baseline, "model": study.baselines[wildcards.baseline].model,
            "benchmark": wildcards.benchmark, "prompt": "style" if "teacher" in wildcards.keys() else "plain",
            "teacher": wildcards.get("teacher", ""), "dataset": wildcards.get("dataset", "")}


def all_prompted(study: Study, output: str = "scores") -> list[str]:
    """Every prompted baseline's evaluation `output`: plainly, then (with a style prompt) in each teacher x dataset's
    style."""
    s, pairs = study.study, study.baseline_benchmarks()
    plain = [paths.EVAL_PROMPTED[output].format(baseline=b, benchmark=m) for b, m in pairs]
    return plain + [paths.EVAL_STYLED[output].format(baseline=b, teacher=t, dataset=d, benchmark=m)
                    for (b, m), t, d in product(pairs, s.teachers, s.datasets)
                    if study.baselines[b].style_prompt is not None]


def _trained(study: Study) -> list[tuple[str, str, str, str, int]]:
    """Every training job's (family, teacher, dataset, variant, seed)."""
    s = study.study
    return [(f, t, d, v, seed) for f, t, d, v in product(s.families, s.teachers, s.datasets, s.variants)
            for seed in study.seeds_of(v)]


def all_scores(study: Study, output: str = "scores") -> list[str]:
    """Every evaluation's `output` (scores, samples or audit), base students first, in one order."""
    s = study.study
    base = [paths.EVAL_BASE[output].format(family=f, benchmark=b) for f, b in product(s.families, s.benchmarks)]
    tuned = [paths.EVAL_SFT[output].format(family=f, teacher=t, dataset=d, variant=v, seed=seed, benchmark=b)
             for f, t, d, v, seed in _trained(study) for b in s.benchmarks]
    return base + tuned


def all_aligned(study: Study, checkpoints: Any, pattern: str) -> Any:
    """An input function: `pattern` for every training job of the study (family x teacher x dataset x variant x seed:
    fine-tuned models; a pattern without a seed, training sets, once each), evaluated once every align checkpoint is
    done (see once_aligned)."""
    s = study.study

    def inputs(wildcards: Any) -> list[str]:
        for teacher, dataset in product(s.teachers, s.datasets):
            checkpoints.align_variants.get(teacher=teacher, dataset=dataset)
        return sorted({pattern.format(family=f, teacher=t, dataset=d, variant=v, seed=seed)
                       for f, t, d, v, seed in _trained(study)})
    return inputs


def all_styles(study: Study, output: str = "summary") -> list[str]:
    """Every evaluation's style `output` (summary or features): each student (base and tuned) against each teacher x
    dataset profile."""
    s = study.study
    base = [paths.STUDENT_STYLE_BASE[output].format(family=f, teacher=t, dataset=d, benchmark=b)
            for f, t, d, b in product(s.families, s.teachers, s.datasets, s.benchmarks)]
    return base + [paths.STUDENT_STYLE[output].format(family=f, teacher=t, dataset=d, variant=v, seed=seed, benchmark=b)
                   for f, t, d, v, seed in _trained(study) for b in s.benchmarks]


def all_sources(study: Study, pattern: str) -> list[str]:
    """`pattern` for every teacher x dataset of the study (its ST set, features, profile)."""
    return [pattern.format(teacher=t, dataset=d) for t, d in product(study.study.teachers, study.study.datasets)]


def simulated_sources(study: Study, pattern: str) -> list[str]:
    """`pattern` for every simulated teacher x dataset of the study (what it planted, its traces' features)."""
    return [pattern.format(teacher=t, dataset=d) for t, d in product(study.study.teachers, study.study.datasets)
            if study.simulates(t)]


def study_comparisons(study: Study) -> list[str]:
    """The variant comparison (table and plot) of every teacher x dataset of the study."""
    s = study.study
    return [pattern.format(teacher=t, dataset=d) for t, d in product(s.teachers, s.datasets)
            for pattern in paths.COMPARISON.values()]


def discovery_reference(study: Study) -> list[str]:
    """The reference file pivot discovery reads (none for the traces' own answers)."""
    reference = study.features.discover.reference
    return [] if reference == "answers" else [reference]


def study_candidates(study: Study) -> list[str]:
    """Pivot candidates of every teacher x dataset, when discovery is configured."""
    return study_features(study, ("candidates",)) if study.features.discover is not None else []


def study_features(study: Study, names: tuple[str, ...]) -> list[str]:
    """Feature outputs of every teacher x dataset of the study."""
    s = study.study
    return [paths.FEATURES[name].format(teacher=t, dataset=d) for t, d in product(s.teachers, s.datasets)
            for name in names]


def sft_launcher(study: Study, family: str) -> str:
    """How the rule starts a family's training (sft.recipe.launcher)."""
    from styledistill.sft.recipe import launcher

    return " ".join(launcher(study.recipes[family]))


def sft_gpus(study: Study, family: str) -> int:
    return study.recipes[family]["gpus"]


def recipe_files(study: Study, family: str) -> list[str]:
    """Files a family's recipe names (its DeepSpeed config, its chat template): inputs, so editing one reruns the
    training jobs that use it."""
    return study.recipes[family].files()


def landing_page() -> str:
    """The rst page `snakemake --report` opens on: the full one includes the report rule's headline table."""
    from pathlib import Path

    if Path(paths.SUMMARY["landing"]).exists():
        return "workflow/report/workflow.rst"
    return "workflow/report/partial.rst"


def prepare_resources(study: Study, model: str, attempt: int) -> RuleResources:
    """prepare_model's memory and time for one model: from its size where its path says it (a local config.json, or
    the size in a hub id), never below the rule's default; a `resources.rules.prepare_model` override wins."""
    default = DEFAULTS["prepare_model"]
    entry = study.models[model]
    count = parameters(entry.path) if getattr(entry, "path", None) else None
    if count is None:
        return study.resources.of("prepare_model", attempt)
    mem_mb, runtime = prepare_needs(count, entry.dtype)
    base = RuleResources(mem_mb=max(default.mem_mb, mem_mb), runtime=max(default.runtime, runtime))
    return study.resources.of("prepare_model", attempt, base)
