"""Problem sources by name: each turns its settings into problem records (dicts of the `problem` record)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from styledistill.grading.graders import DEFAULT_GRADER
from styledistill.problems.settings import BuiltinSource, HubSource, JsonlSource, PresetSource
from styledistill.settings import Settings, literal_of


def _builtin(spec: BuiltinSource, cache_dir: str | None) -> list[dict[str, Any]]:
    from styledistill.problems import builtin

    return builtin.load(spec)


def _jsonl(spec: JsonlSource, cache_dir: str | None) -> list[dict[str, Any]]:
    from styledistill.problems import files

    return files.load(spec)


def _jsonl_check(spec: JsonlSource) -> None:
    from styledistill.problems import files

    files.check_fields(spec)


def _hub(spec: HubSource, cache_dir: str | None) -> list[dict[str, Any]]:
    from styledistill.problems import hub

    return hub.load(spec, cache_dir)


def _preset(spec: PresetSource, cache_dir: str | None) -> list[dict[str, Any]]:
    from styledistill.problems import preset_loader

    return preset_loader.load(spec, cache_dir)


def _preset_grader(spec: PresetSource) -> str:
    from styledistill.problems.presets import PRESETS

    return PRESETS[spec.preset].grader


@dataclass(frozen=True)
class ProblemSource:
    settings: type[Settings]
    load: Callable[[Any, str | None], list[dict[str, Any]]]
    # The local file the spec names and the job reads (a rule input); none for generated and hub problems.
    local_files: Callable[[Any], list[str]] = lambda spec: []
    grader: Callable[[Any], str] = lambda spec: DEFAULT_GRADER  # when the entry does not name one
    # Reads the local file at the dry run, so a row without a mapped field fails before any job runs.
    check: Callable[[Any], None] = lambda spec: None


SOURCES: dict[str, ProblemSource] = {literal_of(source.settings, "source"): source for source in (
    ProblemSource(BuiltinSource, _builtin),
    ProblemSource(JsonlSource, _jsonl, local_files=lambda spec: [spec.path], check=_jsonl_check),
    ProblemSource(HubSource, _hub),
    ProblemSource(PresetSource, _preset, local_files=lambda spec: [spec.path] if spec.path else [],
                  grader=_preset_grader),
)}
