"""Checks across config entries: references, train/test roles, the size of the DAG, and the files the config names."""

from __future__ import annotations

from collections.abc import Callable
from itertools import product
from pathlib import Path
from typing import TYPE_CHECKING, Any

from styledistill.config.check_cache import cached_check
from styledistill.errors import UserError
from styledistill.evaluation.style_prompt import load_style_prompt
from styledistill.generation.api.senders import sender_name
from styledistill.generation.api.settings import BATCH_PROVIDERS, ApiSettings, BatchSettings, LitellmSettings
from styledistill.generation.settings import BACKENDS, GenerationConfig
from styledistill.io import read_yaml
from styledistill.problems.sources import SOURCES as PROBLEM_SOURCES
from styledistill.prompting import load_prompt
from styledistill.report.settings import BASE
from styledistill.sft.recipe import Recipe, chat_template, deepspeed_config, load_recipe, merge
from styledistill.traces.settings import PROMPT_FIELDS
from styledistill.variants.kinds import KINDS

if TYPE_CHECKING:
    from styledistill.config.study import Study

RESERVED_VARIANTS = frozenset({BASE})  # the untuned student's column
MAX_JOBS = 20_000  # a study larger than this is almost surely a mistake (and would take minutes to plan)


def config_file(path: str | Path) -> dict[str, Any]:
    """config.yaml or a --configfile overlay, read strictly (a key written twice is an error): keys at top level."""
    data = read_yaml(path, "config file")
    if data is None:
        raise UserError(f"{path}: is empty (a config file needs keys at top level)")
    if not isinstance(data, dict):
        raise UserError(f"{path}: must be a mapping of keys at top level, got a {type(data).__name__}")
    return data


def _known(study: Study, registry: str, key: str, where: str) -> None:
    entries = getattr(study, registry)
    if key not in entries:
        raise UserError(f"config: {where}: {key!r} is not a key of {registry} (known: "
                        f"{', '.join(sorted(entries)) or 'none'})")


def _backend(study: Study, where: str, model: str, generation: GenerationConfig, student: bool = False) -> None:
    """API models go through litellm, local ones through transformers or vllm; students cannot be API models."""
    is_api = study.is_api(model)
    if is_api and student:
        raise UserError(f"config: {where}.model: an API model ({model!r}) cannot be a student (it is fine-tuned)")
    backend = generation.backend
    if is_api != issubclass(BACKENDS[backend], ApiSettings):
        need = "litellm or batch" if is_api else "transformers or vllm"
        raise UserError(f"config: {where}.generation.backend: model {model!r} needs backend {need}, not {backend}")
    provider = study.models[model].provider if is_api else ""
    if backend == BatchSettings.model_fields["backend"].default and provider.split("/", 1)[0] not in BATCH_PROVIDERS:
        raise UserError(f"config: {where}.generation.backend: batch needs a provider with a batch API "
                        f"({', '.join(p + '/<model>' for p in BATCH_PROVIDERS)}), not {provider}")
    if is_api and backend == LitellmSettings.model_fields["backend"].default:
        try:
            sender_name(generation.sdk, provider, study.models[model].api_base)
        except ValueError as exc:
            raise UserError(f"config: {where}.generation.sdk: {exc}") from None
    if is_api and generation.gpus:
        raise UserError(f"config: {where}.generation.gpus: an API model runs on its provider's GPUs; this job would "
                        f"hold {generation.gpus} GPU(s) idle (set 0)")
    if is_api and generation.budget_usd is not None and study.models[model].prices is None:
        _priced(study.models[model].provider, f"config: {where}.generation.budget_usd")
    if not is_api:
        _context(study, where, model, generation)


def _context(study: Study, where: str, model: str, generation: GenerationConfig) -> None:
    """The token budget against the model's context: vLLM's max_model_len against the model's positions (stretched
    by rope_scaling) where the model's config is known at the dry run, and the budget against the context."""
    from styledistill.models.size import context_length

    vllm = generation.backend == "vllm"
    positions = context_length(study.models[model])
    if vllm and generation.rope_scaling is not None:
        positions = generation.rope_scaling.positions
    if vllm and generation.max_model_len:
        if positions is not None and generation.max_model_len > positions:
            raise UserError(f"config: {where}.generation.max_model_len: {generation.max_model_len} exceeds the "
                            f"{positions} positions of model {model!r} (its config.json, or rope_scaling; YaRN "
                            "rope scaling extends them)")
        positions = generation.max_model_len
    if positions is not None and generation.max_new_tokens >= positions:
        hint = "" if vllm else "; backend vllm with rope_scaling and max_model_len can extend it"
        raise UserError(f"config: {where}.generation.max_new_tokens: {generation.max_new_tokens} leaves no room for "
                        f"the prompt in the {positions}-token context of model {model!r}{hint}")


def _benchmark_context(study: Study, who: str, model: str, generation: GenerationConfig, benchmark: str) -> None:
    """A student's budget on a benchmark (its generation overrides; budget forcing's thinking cap plus its answer)
    against its model's context; budget forcing needs a model that continues its own text (not an API model)."""
    forcing = study.benchmarks[benchmark].budget_forcing
    where = f"benchmarks.{benchmark} ({who})"
    if study.is_api(model):
        if forcing is not None:
            raise UserError(f"config: {where}.budget_forcing: the API model {model!r} cannot continue its own text "
                            "between rounds; evaluate it on a benchmark without budget forcing")
        return
    if forcing is not None:
        budget = (forcing.max_thinking_tokens or generation.max_new_tokens) + forcing.answer_tokens
        generation = generation.model_copy(update={"max_new_tokens": budget})
    _context(study, where, model, generation)


def _priced(provider: str, where: str) -> None:
    """A budget needs prices: the model's own, else litellm's cost map (checked when litellm is installed here;
    importing it takes seconds, so only for a budget without prices)."""
    import importlib.util

    if importlib.util.find_spec("litellm") is None:
        return
    from styledistill.generation.api.backend import litellm_prices

    if litellm_prices(provider)[0] is None:
        raise UserError(f"{where}: needs prices, and litellm's cost map does not know {provider}; set prices: "
                        "{input_per_1m: ..., output_per_1m: ...} on the model")


def references(study: Study) -> None:
    for registry in ("teachers", "datasets", "variants", "families", "benchmarks", "baselines"):
        for key in getattr(study.study, registry):
            _known(study, registry, key, f"study.{registry}")
    for name, model in study.models.items():
        if model.source == "random":
            _known(study, "models", model.tokenizer_from, f"models.{name}.tokenizer_from")
            if model.tokenizer_from == name:
                raise UserError(f"config: models.{name}.tokenizer_from: a model cannot take its own tokenizer")
            if study.is_api(model.tokenizer_from):
                raise UserError(f"config: models.{name}.tokenizer_from: an API model has no tokenizer files")
    for block, entries in (("teachers", study.model_teachers), ("generators", study.generators),
                           ("families", study.families), ("baselines", study.baselines)):
        for name, entry in entries.items():
            _known(study, "models", entry.model, f"{block}.{name}.model")
            _backend(study, f"{block}.{name}", entry.model, entry.generation, student=block == "families")
    for name, bench in study.benchmarks.items():
        _known(study, "datasets", bench.dataset, f"benchmarks.{name}.dataset")
    outside = [v for v in study.build_variants.align_on or [] if v not in study.study.variants]
    if outside:
        raise UserError(f"config: build_variants.align_on: {outside} not in study.variants "
                        f"({', '.join(study.study.variants)})")
    for family, benchmark in product(study.study.families, study.study.benchmarks):
        _benchmark_context(study, f"family {family}", study.families[family].model,
                           study.family_generation(family, benchmark), benchmark)
    for name in study.study.baselines:
        outside = [b for b in study.baselines[name].benchmarks or [] if b not in study.study.benchmarks]
        if outside:
            raise UserError(f"config: baselines.{name}.benchmarks: {outside} not in study.benchmarks "
                            f"({', '.join(study.study.benchmarks)})")
    for baseline, benchmark in study.baseline_benchmarks():
        _benchmark_context(study, f"baseline {baseline}", study.baselines[baseline].model,
                           study.baseline_generation(baseline, benchmark), benchmark)
    for name, variant in study.variants.items():
        if name in RESERVED_VARIANTS:
            raise UserError(f"config: variants.{name}: {name!r} is reserved for the untuned student; rename the "
                            "variant")
        if KINDS[variant.kind].generated:
            _known(study, "generators", variant.generator, f"variants.{name}.generator")
        if KINDS[variant.kind].uses_budget and variant.budget_of is not None:
            _known(study, "variants", variant.budget_of, f"variants.{name}.budget_of")
            if variant.budget_of == name:
                raise UserError(f"config: variants.{name}.budget_of: a variant cannot be its own budget")
            if not KINDS[study.variants[variant.budget_of].kind].has_traces:
                raise UserError(f"config: variants.{name}.budget_of: {variant.budget_of!r} has no reasoning traces to "
                                "count")
        if variant.input is not None:
            _known(study, "variants", variant.input, f"variants.{name}.input")
            source = study.variants[variant.input]
            if not KINDS[source.kind].has_traces:
                raise UserError(f"config: variants.{name}.input: {variant.input!r} (kind {source.kind}) has no "
                                "reasoning traces to build from")
    for key in study.study.seed_variants or []:
        if key not in study.study.variants:
            raise UserError(f"config: study.seed_variants: {key!r} is not a variant of the study (study.variants: "
                            f"{', '.join(study.study.variants)})")
    for key in study.decontaminate.benchmarks or []:
        _known(study, "benchmarks", key, "decontaminate.benchmarks")
    _inputs_acyclic(study)
    for key in study.report.variant_order or []:
        if key not in study.study.variants:
            raise UserError(f"config: report.variant_order: {key!r} is not a variant of the study (study.variants: "
                            f"{', '.join(study.study.variants)})")
    _report_comparisons(study)


def _report_comparisons(study: Study) -> None:
    trained = [BASE, *study.study.variants]
    for i, contrast in enumerate(study.report.contrasts or []):
        for side in ("a", "b"):
            key = getattr(contrast, side)
            if key not in trained:
                raise UserError(f"config: report.contrasts.{i}.{side}: {key!r} is not a variant of the study (base or "
                                f"study.variants: {', '.join(study.study.variants)})")
        if contrast.a == contrast.b:
            raise UserError(f"config: report.contrasts.{i}: compares {contrast.a!r} with itself")
    for name, members in study.report.suites.items():
        if name in study.study.benchmarks:
            raise UserError(f"config: report.suites.{name}: the name of a benchmark; name the suite otherwise")
        for key in members:
            if key not in study.study.benchmarks:
                raise UserError(f"config: report.suites.{name}: {key!r} is not a benchmark of the study "
                                f"(study.benchmarks: {', '.join(study.study.benchmarks)})")


def _inputs_acyclic(study: Study) -> None:
    for name in study.variants:
        chain, current = [name], study.variants[name].input
        while current is not None:
            if current in chain:
                raise UserError(f"config: variants.{name}.input: a cycle ({' -> '.join([*chain, current])})")
            chain.append(current)
            current = study.variants[current].input


def roles(study: Study) -> None:
    """Teachers answer training problems; students are scored on test problems, never on what they trained on; a
    simulated teacher writes from the built-in generator's worked solutions."""
    for key in study.study.datasets:
        if study.datasets[key].split != "train":
            raise UserError(f"config: study.datasets: {key!r} has split {study.datasets[key].split!r}; the teachers' "
                            "seed problems must be a train split")
        for teacher in study.study.teachers:
            if study.simulates(teacher) and study.datasets[key].source != "builtin":
                raise UserError(f"config: teachers.{teacher}: a simulated teacher writes from the worked solutions of "
                                f"the built-in generator; study.datasets: {key!r} has source "
                                f"{study.datasets[key].source!r} (use source: builtin)")
    for key in study.study.benchmarks:
        dataset = study.benchmarks[key].dataset
        if study.datasets[dataset].split != "test":
            raise UserError(f"config: benchmarks.{key}.dataset: {dataset!r} has split "
                            f"{study.datasets[dataset].split!r}; a benchmark must be a test split")
        for family in study.study.families:
            merged = study.family_generation(family, key)
            _backend(study, f"benchmarks.{key} (with family {family})", study.families[family].model, merged)


def size(study: Study) -> None:
    """Refuse a study whose DAG would explode (it would take minutes to plan before any job runs)."""
    s = study.study
    sources = len(s.teachers) * len(s.datasets)
    shards = sum(study.shards(t) for t in s.teachers) * len(s.datasets)
    tuned = len(s.families) * len(s.variants) * sources
    jobs = shards + sources * (6 + 3 * len(s.variants)) + tuned * (1 + len(s.benchmarks))
    jobs += len(s.families) * len(s.benchmarks) + len(study.models) + 2 * len(study.datasets)  # + decontaminate
    if jobs > MAX_JOBS:
        raise UserError(f"config: study: about {jobs:,} jobs (teachers x datasets x variants x families x "
                        f"benchmarks, plus shards); more than {MAX_JOBS:,} is refused as a likely mistake")


def _not_a_file(path: str) -> str | None:
    """What keeps a path the config names from being read as a file (missing, a directory), if anything."""
    if Path(path).is_dir():
        return "is a directory, not a file"
    return None if Path(path).is_file() else "file not found"


def _readable_traces(spec: Any) -> None:
    """Every row of a local trace file read and checked, one at a time (none is kept)."""
    from collections import deque

    from styledistill.traces.importing import iter_traces

    if problem := _not_a_file(spec.path):
        raise UserError(f"path: {problem}: {spec.path}")
    deque(iter_traces(spec), maxlen=0)


def _recipe_files(recipe: Recipe) -> None:
    """The DeepSpeed config and chat template a recipe names are files (a missing one is the readers' to name)."""
    for key in ("deepspeed", "chat_template"):
        if recipe[key] is not None and Path(recipe[key]).is_dir():
            raise recipe.error(key, f"{recipe[key]}: is a directory, not a file")


def _in_config(where: str, check: Callable[[], Any]) -> Any:
    """Run a check of a file the config names; its one-line error gets the config key in front."""
    try:
        return check()
    except UserError as exc:
        raise UserError(f"config: {where}: {exc}") from None


def files(study: Study) -> dict[str, Recipe]:
    """Read and check every file the config names; return each family's resolved recipe."""
    for name, teacher in study.model_teachers.items():
        _in_config(f"teachers.{name}.prompt",
                   lambda t=teacher: load_prompt(t.prompt, PROMPT_FIELDS, PROMPT_FIELDS))
    for name in study.study.teachers:
        teacher = study.teachers[name]
        if study.imports(name) and teacher.local_file:
            # every row read and checked now, so a bad row fails the dry run with its file and row
            _in_config(f"teachers.{name}", lambda t=teacher: cached_check(
                [t.path], t.to_spec(), lambda: _readable_traces(t)))
    for name, variant in study.variants.items():
        kind = KINDS[variant.kind]
        if kind.generated:
            required, allowed = kind.placeholders(variant)
            _in_config(f"variants.{name}.prompt",
                       lambda v=variant, r=required, a=allowed: load_prompt(v.prompt, r, a))
    for name, baseline in study.baselines.items():
        if baseline.style_prompt is not None:
            _in_config(f"baselines.{name}.style_prompt", lambda b=baseline: load_style_prompt(b.style_prompt))
    for name, dataset in study.datasets.items():
        source = PROBLEM_SOURCES[dataset.source]
        for path in source.local_files(dataset):
            if problem := _not_a_file(path):
                raise UserError(f"config: datasets.{name}.path: {problem}: {path}")
        _in_config(f"datasets.{name}", lambda s=source, d=dataset: cached_check(
            s.local_files(d), d.to_spec(), lambda: s.check(d)))
    recipes = {}
    for name, family in study.families.items():
        where = f"families.{name}.recipe"
        data = _in_config(where, lambda f=family: load_recipe(f.recipe))
        recipe = merge(data, family.sft, family.recipe,
                       where=f"config: families.{name}.sft", label=f"config: {where}: {family.recipe}")
        _recipe_files(recipe)
        deepspeed_config(recipe)  # its errors name where the path was set
        chat_template(recipe)
        recipes[name] = recipe
    discover = study.features.discover
    if discover is not None and discover.reference != "answers" and (problem := _not_a_file(discover.reference)):
        raise UserError(f"config: features.discover.reference: {problem}: {discover.reference} (or 'answers')")
    missing = study.features.missing_pipeline()
    if missing:
        raise UserError(f"config: features.spacy_model: {missing}")
    return recipes

