"""workflow/schemas/config.schema.yaml (for people and editors) agrees with the settings classes (what is checked):
the same keys, the same defaults, the same enums and required keys, for every entry of the config."""

from __future__ import annotations

import json
import typing
from typing import Any, Literal

import jsonschema
import pytest
import yaml
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from styledistill.config import entries
from styledistill.config.study import BLOCKS
from styledistill.models.sources import SOURCES as MODEL_SOURCES
from styledistill.problems.sources import SOURCES as PROBLEM_SOURCES
from styledistill.settings import Settings
from styledistill.sft.recipe import RecipeSettings
from styledistill.variants.kinds import KINDS
from tests.conftest import REPO

SCHEMA = yaml.safe_load((REPO / "workflow" / "schemas" / "config.schema.yaml").read_text())


def _resolve(node: dict) -> dict:
    while "$ref" in node:
        target = SCHEMA
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _branch(registry: str, discriminator: str, value: str) -> dict:
    """The `then` branch of a registry entry whose `if` matches `discriminator: value`."""
    entry = SCHEMA["properties"][registry]["additionalProperties"]
    for case in entry["allOf"]:
        test = case["if"]["properties"][discriminator]
        if test.get("const") == value or value in test.get("enum", []):
            # keys the entry requires whatever its kind (e.g. source, split) count as the branch's
            return {**case["then"], "required": sorted({*case["then"].get("required", []), *entry.get("required", [])})}
    raise AssertionError(f"{registry}: no schema branch for {discriminator} {value}")


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        if (model := _model_of(arg)) is not None:
            return model
    return None


def _literals(annotation: Any) -> list | None:
    if typing.get_origin(annotation) is Literal:
        return list(typing.get_args(annotation))
    for arg in typing.get_args(annotation):
        if (found := _literals(arg)) is not None:
            return found
    return None


def _default(field: Any) -> Any:
    if field.default_factory is not None:
        return field.default_factory()
    return field.default


def _json(value: Any) -> Any:
    return json.loads(json.dumps(value, default=lambda v: v.model_dump(mode="json")))


def mismatches(node: dict, cls: type[BaseModel], where: str, defaults: bool = True) -> list[str]:
    """Differences between a schema object and a settings class, recursively into nested settings."""
    node = _resolve(node)
    props = node.get("properties", {})
    out = []
    if set(props) != set(cls.model_fields):
        out.append(f"{where}: schema keys {sorted(set(props) - set(cls.model_fields))} not in {cls.__name__}, "
                   f"{cls.__name__} keys {sorted(set(cls.model_fields) - set(props))} not in the schema")
    if node.get("additionalProperties", True) is not False:
        out.append(f"{where}: the schema must set additionalProperties: false")
    required = {name for name, f in cls.model_fields.items() if f.is_required()}
    if set(node.get("required", [])) != required:
        out.append(f"{where}: schema requires {sorted(node.get('required', []))}, {cls.__name__} {sorted(required)}")
    for name, field in cls.model_fields.items():
        if name not in props:
            continue
        prop = _resolve(props[name])
        default = _default(field)
        nested = _model_of(field.annotation)
        if nested is not None and "properties" in prop:  # compared key by key below
            default = PydanticUndefined
        if defaults and default is not PydanticUndefined and _json(default) != prop.get("default", "<none>"):
            out.append(f"{where}.{name}: default {_json(default)!r} in {cls.__name__}, "
                       f"{prop.get('default', '<none>')!r} in the schema")
        literals = _literals(field.annotation)
        enum = prop.get("enum", [prop["const"]] if "const" in prop else None)
        if literals is not None and name not in ("kind", "source") and sorted(map(str, literals)) != sorted(
                map(str, enum or [])):
            out.append(f"{where}.{name}: enum {literals} in {cls.__name__}, {enum} in the schema")
        if nested is not None and "properties" in prop:
            out += mismatches(prop, nested, f"{where}.{name}", defaults)
    return out


def _pairs() -> list[tuple[str, dict, type[BaseModel], bool]]:
    props = SCHEMA["properties"]
    pairs = [("study", props["study"], entries.StudyEntry, True),
             ("work", {"properties": {"work": props["work"]}, "additionalProperties": False},
              entries.WorkflowEntry, True)]
    pairs += [(name, props[name], cls, True) for name, cls in BLOCKS.items()]
    for name, cls in entries.TEACHER_SOURCES.items():
        pairs.append((f"teachers.{name}", _branch("teachers", "source", name), cls, True))
    for registry, cls in [("generators", entries.GeneratorEntry),
                          ("families", entries.FamilyEntry), ("benchmarks", entries.BenchmarkEntry)]:
        pairs.append((registry, props[registry]["additionalProperties"], cls, True))
    for name, source in MODEL_SOURCES.items():
        pairs.append((f"models.{name}", _branch("models", "source", name), source.config_entry, True))
    for name, source in PROBLEM_SOURCES.items():
        entry = entries.dataset_entry(source.settings)
        pairs.append((f"datasets.{name}", _branch("datasets", "source", name), entry, True))
    for name, kind in KINDS.items():
        pairs.append((f"variants.{name}", _branch("variants", "kind", name), kind.settings, True))
    sft = props["families"]["additionalProperties"]["properties"]["sft"]
    # Overrides: every recipe key but system_prompt (set per family), none required, no defaults of their own.
    overrides = type("Overrides", (Settings,), {"__annotations__": {
        k: f.annotation | None for k, f in RecipeSettings.model_fields.items() if k != "system_prompt"},
        **{k: None for k in RecipeSettings.model_fields if k != "system_prompt"}})
    pairs.append(("families.sft", sft, overrides, False))
    return pairs


@pytest.mark.parametrize("where, node, cls, defaults", _pairs(), ids=lambda v: v if isinstance(v, str) else "")
def test_schema_and_settings_agree(where, node, cls, defaults):
    assert mismatches(node, cls, where, defaults) == []


def test_the_schema_covers_every_top_level_key():
    covered = {"study", "models", "datasets", "teachers", "generators", "variants", "families", "benchmarks",
               *BLOCKS, *entries.WorkflowEntry.model_fields}
    assert set(SCHEMA["properties"]) == covered


def test_registries_list_every_implementation():
    def enum(registry: str, key: str) -> set[str]:
        return set(SCHEMA["properties"][registry]["additionalProperties"]["properties"][key]["enum"])

    assert enum("models", "source") == set(MODEL_SOURCES)
    assert enum("datasets", "source") == set(PROBLEM_SOURCES)
    assert enum("variants", "kind") == set(KINDS)
    assert enum("teachers", "source") == set(entries.TEACHER_SOURCES)


def test_a_key_added_on_one_side_is_caught():
    node = _resolve(SCHEMA["properties"]["build_st"])
    grown = {**node, "properties": {**node["properties"], "shuffle": {"type": "boolean", "default": False}}}
    assert mismatches(grown, entries.BuildStEntry, "build_st")
    changed = {**node, "properties": {**node["properties"], "pick": {**node["properties"]["pick"], "default": "x"}}}
    assert mismatches(changed, entries.BuildStEntry, "build_st")


def test_the_default_config_is_valid_against_the_schema():
    jsonschema.validate(yaml.safe_load((REPO / "config.yaml").read_text()), SCHEMA)
