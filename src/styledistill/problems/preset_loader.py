"""Problems of a named benchmark (problems/presets.py), from the hub or a local copy; multiple-choice options are
shuffled per question with a fixed seed (public copies list the correct option first) and the gold becomes the
letter the correct option lands on."""

from __future__ import annotations

import json
import random
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from styledistill.errors import UserError
from styledistill.io import read_csv_rows, read_jsonl_rows, read_parquet_rows
from styledistill.problems.files import from_rows
from styledistill.problems.hub import load_split, source_label
from styledistill.problems.presets import PRESETS, Choices, Preset
from styledistill.problems.settings import Fields, MappedSource, PresetSource

LOCAL_READERS = {".jsonl": read_jsonl_rows, ".json": read_jsonl_rows, ".csv": read_csv_rows,
                 ".parquet": read_parquet_rows}


def _local_rows(path: str) -> Iterator[tuple[str, Any]]:
    reader = LOCAL_READERS.get(Path(path).suffix.lower())
    if reader is None:
        raise UserError(f"{path}: a local benchmark copy must be {', '.join(LOCAL_READERS)}")
    if not Path(path).is_file():
        raise UserError(f"{path}: file not found")
    yield from reader(path)


def _hub_rows(preset: Preset, spec: PresetSource, cache_dir: str | None) -> Iterator[tuple[str, Any]]:
    dataset = load_split(preset.hub, preset.name, preset.hf_split, spec.revision, None, cache_dir)
    label = source_label(preset.hub, preset.name, preset.hf_split, None)
    for index, row in enumerate(dataset):
        yield f"{label} row {index}", row


def shuffle_options(question: str, options: list[str], seed: int) -> tuple[list[str], str]:
    """The options in a fixed per-question order (the correct one is options[0]) and the correct one's letter."""
    order = list(range(len(options)))
    random.Random(f"{seed}:{question}").shuffle(order)
    return [options[i] for i in order], string.ascii_uppercase[order.index(0)]


def render_choices(question: str, options: list[str]) -> str:
    """The question as the model sees it: the options lettered (A), (B), ... below it."""
    lines = [f"({letter}) {option}" for letter, option in zip(string.ascii_uppercase, options)]
    return question.rstrip() + "\n\n" + "\n".join(lines)


def _option_text(row: dict, field: str, where: str) -> str:
    value = row.get(field)
    if not isinstance(value, (str, int, float)) or isinstance(value, bool) or not str(value).strip():
        raise UserError(f"{where}: key {field!r} must be a non-empty option, got {value!r:.60}")
    return str(value).strip()


def _with_options(rows: Iterator[tuple[str, Any]], fields: Fields, choices: Choices, seed: int,
                  options: dict[str, list[str]]) -> Iterator[tuple[str, Any]]:
    """Rows whose question shows the shuffled options and whose answer is the correct letter; `options` collects
    each question's shuffled options by the rendered question."""
    for where, row in rows:
        if not isinstance(row, dict) or not isinstance(row.get(fields.question), str):
            yield where, row  # the field mapping names what is wrong
            continue
        texts = [_option_text(row, field, where) for field in (choices.correct, *choices.incorrect)]
        shown, letter = shuffle_options(row[fields.question].strip(), texts, seed)
        question = render_choices(row[fields.question].strip(), shown)
        options[question] = shown
        yield where, {**row, fields.question: question, fields.answer: letter}


def load(spec: PresetSource, cache_dir: str | None = None) -> list[dict[str, Any]]:
    preset = PRESETS[spec.preset]
    mapped = MappedSource(split=spec.split, fields=Fields(**preset.fields), answer_pattern=preset.answer_pattern,
                          limit=spec.limit)
    rows = _local_rows(spec.path) if spec.path else _hub_rows(preset, spec, cache_dir)
    options: dict[str, list[str]] = {}
    if preset.choices is not None:
        rows = _with_options(rows, mapped.fields, preset.choices, spec.option_seed, options)
    label = f"preset:{spec.preset}:" + (spec.path or source_label(preset.hub, preset.name, preset.hf_split, None))
    problems = from_rows(rows, mapped, label)
    if not problems:
        raise UserError(f"{label}: no problems")
    for problem in problems:
        shown = options.get(problem["question"])
        problem["options"] = json.dumps(shown, ensure_ascii=False) if shown is not None else None
    return problems
