"""The config's JSON schema and reference pages are generated from the settings classes (the one place a key, its
default, bounds and meaning are written) and kept current in the repository."""

from __future__ import annotations

import shutil
import typing
from typing import Literal

import jsonschema
import pytest
import yaml
from pydantic import BaseModel

from styledistill import reference
from styledistill.config import schema as config_schema
from styledistill.config.study import BLOCKS, REGISTRIES
from styledistill.settings import Field
from styledistill.st.settings import BuildStSettings
from tests.conftest import REPO

SCHEMA = yaml.safe_load((REPO / "workflow" / "schemas" / "config.schema.yaml").read_text())


def _models(annotation, out: set) -> None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        out.add(annotation)
    for arg in typing.get_args(annotation):
        _models(arg, out)


def _config_classes() -> set[type[BaseModel]]:
    todo, seen = list(config_schema._classes()), set()
    while todo:
        cls = todo.pop()
        if cls not in seen:
            seen.add(cls)
            for field in cls.model_fields.values():
                found: set = set()
                _models(field.annotation, found)
                todo += found
    return seen


def test_the_generated_pages_are_current():
    assert reference.stale() == [], "run `python -m styledistill.reference --write` and commit the pages"


def test_every_config_key_is_documented_where_it_is_declared():
    undocumented = [f"{cls.__name__}.{name}" for cls in _config_classes() for name, field in cls.model_fields.items()
                    if not field.description
                    and not (name in ("source", "kind") and typing.get_origin(field.annotation) is Literal)]
    assert undocumented == []


def test_a_new_setting_reaches_the_schema_and_the_reference_page(tmp_path, monkeypatch):
    """A key added to a settings class is in the regenerated schema and page, and the committed ones are stale."""
    for page in reference.PAGES:
        (tmp_path / page.path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / page.path, tmp_path / page.path)
    assert reference.stale(tmp_path) == []
    grown = type("BuildStSettings", (BuildStSettings,), {
        "__annotations__": {"shuffle": bool},
        "shuffle": Field(False, description="shuffle the ST set before the size cap"), "__module__": __name__})
    monkeypatch.setitem(BLOCKS, "build_st", grown)
    node = config_schema.schema()["$defs"]["BuildStSettings"]["properties"]["shuffle"]
    assert node == {"default": False, "description": "shuffle the ST set before the size cap", "type": "boolean"}
    assert "| `shuffle` | bool | `false` | shuffle the ST set before the size cap |" in config_schema.markdown()
    assert reference.stale(tmp_path) == ["workflow/schemas/config.schema.yaml", "docs/config.md"]


def test_the_schema_is_valid_and_every_shipped_config_passes_it():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    base = yaml.safe_load((REPO / "config.yaml").read_text())
    jsonschema.validate(base, SCHEMA)
    for overlay in sorted((REPO / "experiments").glob("*.yaml")):
        merged = _merged(base, yaml.safe_load(overlay.read_text()) or {})
        jsonschema.validate(merged, SCHEMA)


def _merged(base: dict, overlay: dict) -> dict:
    """Snakemake's --configfile: nested mappings updated key by key."""
    out = dict(base)
    for key, value in overlay.items():
        out[key] = _merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


@pytest.mark.parametrize("bad", [
    {"features": {"batch_size": 0}}, {"build_st": {"pick": "longest"}}, {"report": {"colour": "red"}},
    {"families": {"smollm2": {"sft": {"lr": 1e-4}}}}, {"datasets": {"x": {"source": "csv"}}},
])
def test_the_schema_refuses_what_the_settings_refuse(bad):
    from styledistill.config.study import load
    from styledistill.errors import UserError

    config = _merged(yaml.safe_load((REPO / "config.yaml").read_text()), bad)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(config, SCHEMA)
    with pytest.raises(UserError):
        load(config)


def test_registries_list_every_implementation():
    for name, registry in REGISTRIES.items():
        if registry.discriminator is not None:
            entry = SCHEMA["properties"][name]["additionalProperties"]
            assert entry["properties"][registry.discriminator]["enum"] == list(registry.classes)


def test_the_family_overrides_take_every_recipe_key_and_nothing_else():
    from styledistill.sft.recipe import RecipeSettings

    sft = SCHEMA["$defs"]["FamilyEntry"]["properties"]["sft"]
    assert set(sft["properties"]) == set(RecipeSettings.model_fields) and sft["additionalProperties"] is False
    assert not any("default" in node for node in sft["properties"].values())
