"""Validate a workflow config against its schema and its own cross-references, with one-line errors.

The Snakefile calls `check(config, schema_path)` before any job is planned; library code never reads config.yaml.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import yaml

from styledistill.errors import UserError

GENERATED_KINDS = {"synthetic", "synthetic_wrong", "step_by_step"}
_BLOCKS_WITH_GENERATION = ("teachers", "generators", "families")


def _with_defaults(validator_class: type) -> type:
    """A validator that fills in `default` values of missing properties as it validates."""
    validate_properties = validator_class.VALIDATORS["properties"]

    def set_defaults(validator, properties, instance, schema):
        if isinstance(instance, dict):
            for name, subschema in properties.items():
                if "default" in subschema and name not in instance:
                    default = subschema["default"]
                    instance[name] = dict(default) if isinstance(default, dict) else (
                        list(default) if isinstance(default, list) else default)
        yield from validate_properties(validator, properties, instance, schema)

    return jsonschema.validators.extend(validator_class, {"properties": set_defaults})


def _where(error: jsonschema.ValidationError) -> str:
    return ".".join(str(p) for p in error.absolute_path) or "(top level)"


def _message(error: jsonschema.ValidationError) -> str:
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        allowed = sorted(error.schema.get("properties", {}))
        return f"unknown key(s) {extra}" + (f" (allowed: {', '.join(allowed)})" if allowed else "")
    if error.validator == "required":
        return error.message.replace(" is a required property", " is required")
    return error.message.splitlines()[0]


def _deepest(error: jsonschema.ValidationError) -> jsonschema.ValidationError:
    """Prefer the most specific error (inside if/then branches) over its wrapper."""
    while error.context:
        error = max(error.context, key=lambda e: len(e.absolute_path))
    return error


def load_schema(path: str | Path) -> dict[str, Any]:
    return yaml.safe_load(Path(path).read_text())


def check(config: dict[str, Any], schema_path: str | Path, base_dir: str | Path = ".") -> dict[str, Any]:
    """Validate `config` in place (filling defaults); raise UserError with one line on the first problem."""
    schema = load_schema(schema_path)
    validator_class = _with_defaults(jsonschema.validators.validator_for(schema))
    for block in _BLOCKS_WITH_GENERATION:
        for entry in (config.get(block) or {}).values():
            if isinstance(entry, dict):
                entry.setdefault("generation", {})
    # A benchmark's generation block overrides its family's settings: keep only what the user wrote, not defaults.
    overrides = {
        name: dict(entry.get("generation") or {})
        for name, entry in (config.get("benchmarks") or {}).items()
        if isinstance(entry, dict)
    }
    errors = sorted(validator_class(schema).iter_errors(config), key=lambda e: (len(e.absolute_path), e.path))
    if errors:
        error = _deepest(errors[-1] if errors[-1].absolute_path else errors[0])
        raise UserError(f"config: {_where(error)}: {_message(error)}")
    for name, generation in overrides.items():
        config["benchmarks"][name]["generation"] = generation
    _check_references(config)
    _check_files(config, Path(base_dir))
    return config


def _ref(config: dict, registry: str, key: str, where: str) -> None:
    if key not in config.get(registry, {}):
        known = ", ".join(sorted(config.get(registry, {}))) or "none"
        raise UserError(f"config: {where}: {key!r} is not a key of {registry} (known: {known})")


def _check_references(config: dict) -> None:
    for registry, keys in config["study"].items():
        for key in keys:
            _ref(config, registry, key, f"study.{registry}")
    for name, model in config["models"].items():
        if model["source"] == "random":
            _ref(config, "models", model["tokenizer_from"], f"models.{name}.tokenizer_from")
            if config["models"][model["tokenizer_from"]]["source"] == "api":
                raise UserError(f"config: models.{name}.tokenizer_from: an API model has no tokenizer files")
            if model["tokenizer_from"] == name:
                raise UserError(f"config: models.{name}.tokenizer_from: a model cannot take its own tokenizer")
    for block in ("teachers", "generators", "families"):
        for name, entry in config.get(block, {}).items():
            _ref(config, "models", entry["model"], f"{block}.{name}.model")
            _check_backend(config, block, name, entry)
    for name, bench in config["benchmarks"].items():
        _ref(config, "datasets", bench["dataset"], f"benchmarks.{name}.dataset")
    if "base" in config["variants"]:
        raise UserError("config: variants.base: 'base' is reserved for the untuned student; rename the variant")
    for name, variant in config["variants"].items():
        if variant["kind"] in GENERATED_KINDS:
            for key in ("generator", "prompt"):
                if key not in variant:
                    raise UserError(f"config: variants.{name}: kind {variant['kind']} needs {key!r}")
            _ref(config, "generators", variant["generator"], f"variants.{name}.generator")
        else:
            for key in ("generator", "prompt"):
                if key in variant:
                    raise UserError(f"config: variants.{name}.{key}: kind {variant['kind']} takes no {key}")


def _check_backend(config: dict, block: str, name: str, entry: dict) -> None:
    """API models go through litellm, local ones through transformers or vllm; students cannot be API models."""
    is_api = config["models"][entry["model"]]["source"] == "api"
    backend = entry["generation"]["backend"]
    where = f"config: {block}.{name}"
    if is_api and block == "families":
        raise UserError(f"{where}.model: an API model ({entry['model']!r}) cannot be a student (it is fine-tuned)")
    if is_api != (backend == "litellm"):
        need = "litellm" if is_api else "transformers or vllm"
        raise UserError(f"{where}.generation.backend: model {entry['model']!r} needs backend {need}, not {backend}")


def _check_files(config: dict, base: Path) -> None:
    paths = [(f"teachers.{n}.prompt", t["prompt"]) for n, t in config["teachers"].items()]
    paths += [(f"variants.{n}.prompt", v["prompt"]) for n, v in config["variants"].items() if "prompt" in v]
    paths += [(f"families.{n}.recipe", f["recipe"]) for n, f in config["families"].items()]
    paths += [(f"datasets.{n}.path", d["path"]) for n, d in config["datasets"].items() if d["source"] == "jsonl"]
    for where, path in paths:
        if not (base / path).is_file():
            raise UserError(f"config: {where}: file not found: {path}")
