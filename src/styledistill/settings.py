"""The one settings model: typed, frozen settings per stage, built from a job's spec in one call.

Every stage package declares its settings as subclasses of `Settings`; a field's default there is the only place
that default is written. `from_spec` rejects unknown keys, wrong types, non-finite numbers and out-of-range values
with one line naming the key path (`where.key.subkey: what is wrong`). The workflow's config check and every stage
CLI build settings the same way, so a bad value fails at `snakemake -n` and, should a spec be written by hand, in
the CLI before any work.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StringConstraints,
    ValidationError,
)
from pydantic_core import core_schema

from styledistill.errors import UserError

__all__ = ["Settings", "Float", "Key", "Text", "Field", "Distinct", "one_of", "describe_error", "literal_of",
           "only_keys", "pick"]


def _yaml_number(value: Any) -> Any:
    """YAML 1.1 reads 5e-5 (no dot) as text: accept numeric text where a number is expected."""
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value


class _NumericText:
    """JSON schema of a Float: a number, or text that reads as one (what YAML 1.1 makes of 5e-5)."""

    def __get_pydantic_json_schema__(self, schema: core_schema.CoreSchema,
                                     handler: GetJsonSchemaHandler) -> dict[str, Any]:
        return {"anyOf": [handler(schema), {"type": "string", "pattern": r"^[-+]?[0-9.]+([eE][-+]?[0-9]+)?$"}]}


# A float field that also takes numeric text (see _yaml_number); non-finite values are refused by the model config.
Float = Annotated[float, BeforeValidator(_yaml_number), _NumericText()]
# A registry key: it becomes a wildcard value and a path component.
KEY_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
Key = Annotated[str, StringConstraints(pattern=KEY_PATTERN)]
# Non-empty text.
Text = Annotated[str, StringConstraints(min_length=1)]


def _distinct(values: list[Any]) -> list[Any]:
    seen = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{value!r} is listed twice")
        seen.add(value)
    return values


# A list whose items must differ (use as Annotated[list[...], Distinct]).
Distinct = AfterValidator(_distinct)


@dataclass(frozen=True)
class _OneOf:
    """Annotation: the value must be one of `choices` (all named when they are few, else the first three); the JSON
    schema lists them as an enum."""

    choices: tuple[str, ...]
    what: str

    def _check(self, value: str) -> str:
        if value not in self.choices:
            shown = ", ".join(self.choices) if len(self.choices) <= 16 else ", ".join(self.choices[:3]) + ", ..."
            raise ValueError(f"unknown {self.what} {value!r} (one of {shown})")
        return value

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(self, schema: core_schema.CoreSchema,
                                     handler: GetJsonSchemaHandler) -> dict[str, Any]:
        return {**handler(schema), "enum": list(self.choices)}


def one_of(choices: Collection[str], what: str) -> _OneOf:
    """An annotation: the value must be one of `choices` (e.g. `Annotated[str, one_of(BACKENDS, "backend")]`)."""
    return _OneOf(tuple(choices), what)


class Settings(BaseModel):
    """Base of every settings class: unknown keys are errors, types are strict, values frozen and finite."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any] | None, where: str = "--spec") -> Self:
        """Build from a (JSON or YAML) mapping; any problem is one UserError line naming the key."""
        if spec is None:
            spec = {}
        if not isinstance(spec, Mapping):
            raise UserError(f"{where}: must be a mapping of keys to values, got {type(spec).__name__}")
        try:
            return cls.model_validate(dict(spec))
        except ValidationError as exc:
            raise UserError(describe_error(cls, exc, where)) from None

    def to_spec(self) -> dict[str, Any]:
        """The settings as plain JSON values (what a rule passes on to its job)."""
        return self.model_dump(mode="json")


def literal_of(cls: type[BaseModel], field: str) -> str:
    """The one value a `Literal[...]` field admits: a registry entry's name, written once in its settings class."""
    (value,) = typing.get_args(cls.model_fields[field].annotation)
    return value


def only_keys(settings: Settings, cls: type[Settings]) -> Settings:
    """`settings` narrowed to the fields of `cls` (e.g. a config entry to the stage settings it extends)."""
    return cls.model_validate(settings.model_dump(include=set(cls.model_fields)))


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The settings model an annotation holds (directly, optionally, or as the values of a mapping)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _model_of(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            if (model := _model_of(arg)) is not None:
                return model
    return None


def _allowed_at(cls: type[BaseModel], loc: tuple[Any, ...]) -> list[str] | None:
    """The keys the model at `loc` accepts (None when `loc` does not lead to a model)."""
    model: type[BaseModel] | None = cls
    for part in loc:
        if model is None or not isinstance(part, str) or part not in model.model_fields:
            return None
        model = _model_of(model.model_fields[part].annotation)
    if model is None:
        return None
    own = model.__dict__.get("__annotations__", {})  # a class's own keys before those it inherits from mixins
    return sorted(model.model_fields, key=lambda key: key not in own)


# A key whose value may be a secret someone pasted (api_key_env, token, ...): its value is never repeated.
_SECRET_NAME = re.compile(r"key|token|secret|password", re.IGNORECASE)


def _path(where: str, loc: tuple[Any, ...]) -> str:
    # Union members appear in pydantic's locations by type name (e.g. "constrained-str", "list[str]"): not keys.
    keys = [str(part) for part in loc if not (isinstance(part, str) and ("-" in part or "[" in part))]
    return ".".join([where, *keys])


def describe_error(cls: type[BaseModel], exc: ValidationError, where: str) -> str:
    """The first problem of a validation error as one line; unknown keys at one place are named together."""
    errors = exc.errors(include_url=False)
    first = errors[0]
    loc = tuple(first["loc"])
    if first["type"] == "extra_forbidden":
        parent = loc[:-1]
        extra = [e["loc"][-1] for e in errors if e["type"] == "extra_forbidden" and tuple(e["loc"][:-1]) == parent]
        allowed = _allowed_at(cls, parent)
        hint = f" (allowed: {', '.join(allowed)})" if allowed else ""
        return f"{_path(where, parent)}: unknown key(s) {extra}{hint}"
    if first["type"] == "missing":
        return f"{_path(where, loc[:-1])}: {loc[-1]!r} is required"
    message = first["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
    secret = any(isinstance(part, str) and _SECRET_NAME.search(part) for part in loc)
    if first["type"] not in ("value_error", "assertion_error") and not secret:
        shown = repr(first.get("input"))
        message += f", got {shown if len(shown) <= 60 else shown[:57] + '...'}"
    return f"{_path(where, loc)}: {message}".replace("\n", " ")


def pick(registry: Mapping[str, Any], spec: Any, key: str, where: str) -> Any:
    """The registry entry a spec names in its `key` field (e.g. a problem source or a variant kind)."""
    if not isinstance(spec, Mapping):
        raise UserError(f"{where}: must be a mapping of keys to values, got {type(spec).__name__}")
    if key not in spec:
        raise UserError(f"{where}: {key!r} is required (one of {', '.join(registry)})")
    name = spec[key]
    if not isinstance(name, str) or name not in registry:
        raise UserError(f"{where}.{key}: unknown {key} {name!r} (one of {', '.join(registry)})")
    return registry[name]
