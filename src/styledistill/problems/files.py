"""Problems from a local JSONL file, and the field mapping shared with the `datasets` loader (`hub`).

A spec (problems/settings.py) maps the file's keys onto the problem record:

    {"source": "jsonl", "path": "data/gsm8k_test.jsonl", "split": "test",
     "fields": {"question": "question", "answer": "answer"}, "answer_pattern": "####\\s*(.+)$", "limit": 100}

`fields.question` and `fields.answer` are required; `fields.id` (else the id is a hash of the question) and
`fields.level` are optional. `answer_pattern` is a regular expression with one group, searched in the answer field
(multi-line mode, so `$` ends a line). Plain integer answers are normalised ("025" → "25", 27.0 → "27",
"1,450,000" → "1450000"); any other answer (LaTeX, decimals, text) is kept as it is.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable
from itertools import islice
from typing import Any

from styledistill.errors import UserError
from styledistill.io import read_jsonl_rows, require_file
from styledistill.problems.settings import JsonlSource, MappedSource

_INTEGER = re.compile(r"[+-]?\d+")
_GROUPED_INTEGER = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+")
_WHOLE_DECIMAL = re.compile(r"([+-]?\d+)\.0*")
_LEVEL_NUMBER = re.compile(r"\d+")


def question_hash(question: str, length: int = 12) -> str:
    return hashlib.sha256(question.encode("utf-8")).hexdigest()[:length]


def normalise_answer(value: Any) -> str:
    """Gold answer as text: plain integers in canonical form, everything else unchanged (LaTeX stays LaTeX)."""
    if isinstance(value, bool) or value is None:
        raise ValueError(f"must be text or a number, got {value!r}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"must be a finite number, got {value!r}")
        return str(int(value)) if value.is_integer() else repr(value)
    if not isinstance(value, str):
        raise ValueError(f"must be text or a number, got {type(value).__name__}")
    text = value.strip()
    if not text:
        raise ValueError("is empty")
    if _INTEGER.fullmatch(text) or _GROUPED_INTEGER.fullmatch(text):
        return str(int(text.replace(",", "")))
    whole = _WHOLE_DECIMAL.fullmatch(text)
    if whole:
        return str(int(whole.group(1)))
    return text


def _level(value: Any) -> int | None:
    """An integer level, or None when unknown (null, or text without a number such as MATH's "Level ?")."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"must be an integer, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        found = _LEVEL_NUMBER.search(value)
        return int(found.group()) if found else None
    raise ValueError(f"must be an integer, got {value!r}")


def _object(row: Any, where: str) -> dict[str, Any]:
    if not isinstance(row, dict):
        raise UserError(f"{where}: expected an object, got {type(row).__name__}")
    return row


def _field(row: dict[str, Any], role: str, column: str, where: str) -> Any:
    """The row's value of the column mapped to `role` (question, answer, id, level)."""
    if column not in row:
        raise UserError(f"{where}: missing key {column!r} (fields.{role})")
    return row[column]


def problem_from_row(row: Any, spec: MappedSource, where: str, source: str) -> dict[str, Any]:
    """One problem record from one mapped row; `where` names the file and line (or row) in errors."""
    row = _object(row, where)

    def get(role: str, column: str) -> Any:
        return _field(row, role, column, where)

    fmap, split = spec.fields, spec.split
    question = get("question", fmap.question)
    if not isinstance(question, str) or not question.strip():
        raise UserError(f"{where}: key {fmap.question!r} must be non-empty text, got {question!r:.60}")
    raw_answer = get("answer", fmap.answer)
    if spec.pattern is not None:
        if not isinstance(raw_answer, str):
            raw_answer = "" if raw_answer is None else str(raw_answer)
        found = spec.pattern.search(raw_answer)
        if not found or found.group(1) is None:
            raise UserError(f"{where}: key {fmap.answer!r} does not match answer_pattern {spec.answer_pattern!r}")
        raw_answer = found.group(1)
    try:
        answer = normalise_answer(raw_answer)
    except ValueError as exc:
        raise UserError(f"{where}: key {fmap.answer!r} {exc}") from None
    if fmap.id is not None:
        raw_id = get("id", fmap.id)
        if isinstance(raw_id, bool) or not isinstance(raw_id, (str, int)) or str(raw_id).strip() == "":
            raise UserError(f"{where}: key {fmap.id!r} must be text or an integer, got {raw_id!r}")
        problem_id = str(raw_id).strip()
    else:
        problem_id = "h-" + question_hash(question)
    level = None
    if fmap.level is not None:
        try:
            level = _level(get("level", fmap.level))
        except ValueError as exc:
            raise UserError(f"{where}: key {fmap.level!r} {exc}") from None
    return {"problem_id": problem_id, "question": question, "answer": answer, "level": level,
            "source": source, "split": split}


def from_rows(rows: Iterable[tuple[str, Any]], spec: MappedSource, source: str) -> list[dict[str, Any]]:
    """Map (where, row) pairs to problems; ids must be unique (ids hashed from the question drop repeats)."""
    problems: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    for where, row in rows:
        if spec.limit is not None and len(problems) >= spec.limit:
            break
        problem = problem_from_row(row, spec, where, source)
        first = seen.get(problem["problem_id"])
        if first is not None:
            if spec.fields.id is None:
                continue  # the same question twice: keep the first
            raise UserError(f"{where}: duplicate id {problem['problem_id']!r} (first at {first})")
        seen[problem["problem_id"]] = where
        problems.append(problem)
    return sampled(problems, spec, source)


def sampled(problems: list[dict[str, Any]], spec: MappedSource, source: str) -> list[dict[str, Any]]:
    """`spec.sample` problems drawn at random with its seed, in the source's order; all of them without a sample."""
    if spec.sample is None:
        return problems
    if spec.sample > len(problems):
        raise UserError(f"{source}: sample {spec.sample} exceeds the {len(problems)} problems there")
    import numpy as np

    keep = np.sort(np.random.default_rng(spec.sample_seed).choice(len(problems), spec.sample, replace=False))
    return [problems[i] for i in keep]


def check_fields(spec: JsonlSource) -> None:
    """Every row the job will read is an object with every mapped field (the dry run's check: cheap, values are the
    job's to check). Only the first `limit` rows are surely read, so only they are checked."""
    mapped = {role: column for role, column in spec.fields.model_dump().items() if column is not None}
    empty = True
    for where, row in islice(read_jsonl_rows(require_file(spec.path)), spec.limit):
        row, empty = _object(row, where), False
        for role, column in mapped.items():
            _field(row, role, column, where)
    if empty:
        raise UserError(f"{spec.path}: no problems (the file has no rows)")


def load(spec: JsonlSource, cache_dir: str | None = None) -> list[dict[str, Any]]:
    path = require_file(spec.path)
    problems = from_rows(read_jsonl_rows(path), spec, spec.path)
    if not problems:
        raise UserError(f"{path}: no problems (the file has no rows)")
    return problems
