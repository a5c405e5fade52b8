"""Problem sources by name: each turns its settings into problem records (dicts of the `problem` record)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from styledistill.problems.settings import BuiltinSource, HubSource, JsonlSource
from styledistill.settings import Settings, literal_of


def _builtin(spec: BuiltinSource, cache_dir: str | None) -> list[dict[str, Any]]:
    from styledistill.problems import builtin

    return builtin.load(spec)


def _jsonl(spec: JsonlSource, cache_dir: str | None) -> list[dict[str, Any]]:
    from styledistill.problems import files

    return files.load(spec)


def _hub(spec: HubSource, cache_dir: str | None) -> list[dict[str, Any]]:
    from styledistill.problems import hub

    return hub.load(spec, cache_dir)


@dataclass(frozen=True)
class ProblemSource:
    settings: type[Settings]
    load: Callable[[Any, str | None], list[dict[str, Any]]]
    local_file: bool = False  # the spec's `path` is a local file the job reads (a rule input)


SOURCES: dict[str, ProblemSource] = {literal_of(source.settings, "source"): source for source in (
    ProblemSource(BuiltinSource, _builtin),
    ProblemSource(JsonlSource, _jsonl, local_file=True),
    ProblemSource(HubSource, _hub),
)}
