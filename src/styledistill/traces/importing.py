"""Traces from an existing trace dataset instead of a teacher model: rows read and mapped onto `trace` records.

`iter_traces` reads row by row (a bad row is one error naming the file and row: a missing field, an empty
reasoning, a label that is not a boolean, a problem id given twice), `pair` keeps the traces of the paired
dataset's problems (same id, or same question) as they stream past, so a source of any size is held only as far as
the study uses it, `select` applies the filters and the seeded sample of problems, and
`to_records` writes the record a generated teacher writes, the source's label kept as `source_correct` for the
grading audit.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from styledistill.errors import UserError
from styledistill.problems.files import normalise_answer, question_hash
from styledistill.prompting import THINK_CLOSE, THINK_OPEN
from styledistill.traces.import_settings import TraceImport

USER_ROLES, ASSISTANT_ROLES = ("user", "human"), ("assistant", "gpt")


@dataclass(frozen=True)
class ImportedTrace:
    where: str  # file and row, for errors and the request key
    problem_id: str
    sample: int
    question: str
    text: str
    parts: tuple[int, int, int, int] | tuple[str, str]  # where reasoning and answer lie in text, or the two texts
    split_method: str
    truncated: bool
    gold: str | None
    label: bool | None
    source: str | None
    domain: str | None

    @property
    def reasoning(self) -> str:
        return self.parts[0] if len(self.parts) == 2 else self.text[self.parts[0]:self.parts[1]]

    @property
    def answer_text(self) -> str:
        return self.parts[1] if len(self.parts) == 2 else self.text[self.parts[2]:self.parts[3]]


def parts_of(text: str, reasoning: str, answer: str) -> tuple[int, int, int, int] | tuple[str, str]:
    """Where the reasoning and the answer lie in the raw text (each is a piece of it in every layout), so a trace
    holds its text once; the two texts themselves where they are not found."""
    start = text.find(reasoning, text.find(THINK_OPEN) + len(THINK_OPEN) if THINK_OPEN in text else 0)
    end = start + len(reasoning)
    answer_start = text.find(answer, end) if answer else len(text)
    if start < 0 or answer_start < 0:
        return reasoning, answer
    return start, end, answer_start, answer_start + len(answer)


# ----------------------------------------------------------------------------------------------------------------
# Reading rows

def _jsonl(spec: TraceImport, cache_dir: str | None) -> Iterator[tuple[str, Any]]:
    from styledistill.io import read_jsonl_rows

    yield from read_jsonl_rows(spec.path)


def _parquet(spec: TraceImport, cache_dir: str | None) -> Iterator[tuple[str, Any]]:
    from styledistill.io import read_parquet_rows

    yield from read_parquet_rows(spec.path)


def _hub(spec: TraceImport, cache_dir: str | None) -> Iterator[tuple[str, Any]]:
    from styledistill.problems.hub import load_split

    dataset = load_split(spec.path, spec.name, spec.hf_split, spec.revision, spec.data_files, cache_dir)
    for index, row in enumerate(dataset):
        yield f"{spec.label} row {index}", row


READERS = {"jsonl": _jsonl, "parquet": _parquet, "hf": _hub}


# ----------------------------------------------------------------------------------------------------------------
# One row -> traces

def _get(row: dict, spec: TraceImport, role: str, where: str) -> Any:
    key = getattr(spec.fields, role)
    if key not in row:
        raise UserError(f"{where}: missing key {key!r} (fields.{role})")
    return row[key]


def _text(value: Any, spec: TraceImport, role: str, where: str, *, required: bool) -> str:
    key = getattr(spec.fields, role)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise UserError(f"{where}: key {key!r} (fields.{role}) must be text, got {type(value).__name__}")
    if required and not value.strip():
        raise UserError(f"{where}: key {key!r} (fields.{role}) is empty")
    return value


def _label(value: Any, spec: TraceImport, where: str) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise UserError(f"{where}: key {spec.fields.label!r} (fields.label) must be a boolean, got {value!r:.40}")


def _think(text: str) -> tuple[str, str, bool] | None:
    """(reasoning, answer, truncated) of a response with think tags (the opening tag may be pre-filled), or None."""
    if THINK_CLOSE in text:
        head, _, tail = text.partition(THINK_CLOSE)
        return head.split(THINK_OPEN, 1)[-1].strip(), tail.strip(), False
    if THINK_OPEN in text:
        return text.split(THINK_OPEN, 1)[1].strip(), "", True
    return None


def _turns(messages: Any, spec: TraceImport, where: str) -> tuple[str, dict]:
    """(the first user turn's text, the last assistant turn) of a chat: role/content or from/value keys."""
    key = spec.fields.messages
    if not isinstance(messages, list) or not all(isinstance(m, dict) for m in messages):
        raise UserError(f"{where}: key {key!r} (fields.messages) must be a list of messages")

    def role(message: dict) -> str:
        return str(message.get("role", message.get("from", ""))).lower()

    users = [m for m in messages if role(m) in USER_ROLES]
    assistants = [m for m in messages if role(m) in ASSISTANT_ROLES]
    if not users or not assistants:
        raise UserError(f"{where}: key {key!r} (fields.messages) needs a user and an assistant message")
    question = users[0].get("content", users[0].get("value"))
    if not isinstance(question, str) or not question.strip():
        raise UserError(f"{where}: key {key!r} (fields.messages): the user message is empty")
    return question, assistants[-1]


def _responses(row: dict, spec: TraceImport, where: str) -> tuple[str, list[tuple[str, str, bool, str, str]]]:
    """(question, [(reasoning, answer, truncated, raw text, split method)]) of one row, by layout."""
    if spec.layout == "fields":
        question = _text(_get(row, spec, "question", where), spec, "question", where, required=True)
        reasoning = _text(_get(row, spec, "reasoning", where), spec, "reasoning", where, required=True)
        answer = _text(_get(row, spec, "answer", where), spec, "answer", where, required=False) \
            if spec.fields.answer else ""
        text = f"{THINK_OPEN}{reasoning}" + (f"{THINK_CLOSE}{answer}" if answer.strip() else "")
        return question, [(reasoning, answer, not answer.strip(), text, "import_fields")]
    if spec.layout == "think":
        question = _text(_get(row, spec, "question", where), spec, "question", where, required=True)
        raw = _get(row, spec, "response", where)
        texts = raw if isinstance(raw, list) else [raw]
        return question, [_from_think(_text(t, spec, "response", where, required=True), where, spec.fields.response)
                          for t in texts]
    question, turn = _turns(_get(row, spec, "messages", where), spec, where)
    if spec.fields.question is not None:
        question = _text(_get(row, spec, "question", where), spec, "question", where, required=True)
    content = turn.get("content", turn.get("value"))
    content = content if isinstance(content, str) else ""
    separate = turn.get("reasoning_content")
    if isinstance(separate, str) and separate.strip():
        text = f"{THINK_OPEN}{separate}{THINK_CLOSE}{content}"
        return question, [(separate.strip(), content.strip(), not content.strip(), text, "reasoning_content")]
    return question, [_from_think(content, where, spec.fields.messages)]


def _from_think(text: str, where: str, key: str | None) -> tuple[str, str, bool, str, str]:
    parsed = _think(text)
    if parsed is None:
        raise UserError(f"{where}: key {key!r} has no {THINK_OPEN}…{THINK_CLOSE} around its reasoning")
    reasoning, answer, truncated = parsed
    if not reasoning:
        raise UserError(f"{where}: key {key!r}: the reasoning inside {THINK_OPEN}…{THINK_CLOSE} is empty")
    return reasoning, answer, truncated, text, "think_tags"


def _optional(row: dict, spec: TraceImport, role: str, where: str) -> Any:
    return _get(row, spec, role, where) if getattr(spec.fields, role) is not None else None


def traces_of_row(where: str, row: Any, spec: TraceImport) -> list[ImportedTrace]:
    if not isinstance(row, dict):
        raise UserError(f"{where}: expected an object, got {type(row).__name__}")
    question, responses = _responses(row, spec, where)
    raw_id = _optional(row, spec, "id", where)
    if spec.fields.id is not None and (isinstance(raw_id, bool) or not isinstance(raw_id, (str, int))
                                       or not str(raw_id).strip()):
        raise UserError(f"{where}: key {spec.fields.id!r} (fields.id) must be text or an integer, got {raw_id!r}")
    problem_id = str(raw_id).strip() if raw_id is not None else "h-" + question_hash(question)
    labels = _optional(row, spec, "label", where)
    labels = labels if isinstance(labels, list) else [labels] * len(responses)
    if len(labels) != len(responses):
        raise UserError(f"{where}: key {spec.fields.label!r} (fields.label) has {len(labels)} labels for "
                        f"{len(responses)} responses")
    gold = _optional(row, spec, "gold", where)
    if spec.fields.gold is not None:
        try:
            gold = normalise_answer(gold)
        except ValueError as exc:
            raise UserError(f"{where}: key {spec.fields.gold!r} (fields.gold) {exc}") from None
    sample = _optional(row, spec, "sample", where)
    if spec.fields.sample is not None and (isinstance(sample, bool) or not isinstance(sample, int) or sample < 0):
        raise UserError(f"{where}: key {spec.fields.sample!r} (fields.sample) must be an integer >= 0, "
                        f"got {sample!r}")
    source, domain = _optional(row, spec, "source", where), _optional(row, spec, "domain", where)
    return [ImportedTrace(where=where, problem_id=problem_id, sample=(sample or 0) + index, question=question,
                          text=text, parts=parts_of(text, reasoning, answer), split_method=method,
                          truncated=truncated, gold=gold, label=_label(label, spec, where),
                          source=None if source is None else str(source),
                          domain=None if domain is None else str(domain))
            for index, ((reasoning, answer, truncated, text, method), label) in enumerate(zip(responses, labels))]


def iter_traces(spec: TraceImport, cache_dir: str | None = None) -> Iterator[ImportedTrace]:
    """Every trace of the source, row by row (only the (problem id, sample) of those seen are kept, to refuse a
    problem id given twice, without fields.sample telling samples apart, in an error naming both rows)."""
    first: dict[tuple[str, int], str] = {}
    for where, row in READERS[spec.format](spec, cache_dir):
        for trace in traces_of_row(where, row, spec):
            key = (trace.problem_id, trace.sample)
            if key in first:
                hint = "" if spec.fields.sample else "; map fields.sample when a problem has several samples as rows"
                raise UserError(f"{where}: duplicate problem id {trace.problem_id!r} (sample {trace.sample}), first "
                                f"at {first[key]}{hint}")
            first[key] = where
            yield trace
    if not first:
        raise UserError(f"{spec.label}: no traces (the source is empty)")


def read_traces(spec: TraceImport, cache_dir: str | None = None) -> list[ImportedTrace]:
    """Every trace of the source, in memory (for a small source; the import streams with iter_traces)."""
    return list(iter_traces(spec, cache_dir))


# ----------------------------------------------------------------------------------------------------------------
# Filters, sample, pairing with the dataset's problems

def pair(traces: Iterable[ImportedTrace], problems: pd.DataFrame, spec: TraceImport,
         dropped: Counter) -> list[ImportedTrace]:
    """The traces of the dataset's problems (same id when fields.id is mapped, else same question), carrying the
    dataset's id, question and (unless fields.gold is mapped) gold answer, in the dataset's order. `traces` is
    consumed as it comes: only the paired ones are held."""
    by_id = spec.fields.id is not None
    index = ({pid: i for i, pid in enumerate(problems["problem_id"])} if by_id
             else {_question_key(q): i for i, q in enumerate(problems["question"])})
    paired: dict[tuple[int, int], ImportedTrace] = {}
    for trace in traces:
        p = index.get(trace.problem_id if by_id else _question_key(trace.question))
        if p is None:
            if spec.unmatched == "error":
                raise UserError(f"{trace.where}: problem {trace.problem_id!r} is not in the paired dataset "
                                "(unmatched: drop leaves such traces out)")
            dropped["not_in_dataset"] += 1
            continue
        other = paired.get((p, trace.sample))
        if other is not None:  # two rows whose questions differ only in spacing
            raise UserError(f"{trace.where}: the same problem as {other.where} ({problems['problem_id'].iat[p]!r}, "
                            f"sample {trace.sample}); map fields.sample when a problem has several samples as rows")
        paired[(p, trace.sample)] = replace(
            trace, problem_id=problems["problem_id"].iat[p], question=problems["question"].iat[p],
            gold=trace.gold if trace.gold is not None else problems["answer"].iat[p])
    return [paired[key] for key in sorted(paired)]


def select(traces: list[ImportedTrace], spec: TraceImport, dropped: Counter) -> list[ImportedTrace]:
    """The traces the filters keep, and of those the seeded sample of `problems` problems (a problem's rank is a
    hash of the seed and its id, so adding problems elsewhere does not reshuffle it); counts what is dropped."""
    kept = []
    filters = spec.filters
    for trace in traces:
        if filters.sources is not None and trace.source not in filters.sources:
            dropped["filtered_source"] += 1
        elif filters.domains is not None and trace.domain not in filters.domains:
            dropped["filtered_domain"] += 1
        elif filters.max_reasoning_chars is not None and len(trace.reasoning) > filters.max_reasoning_chars:
            dropped["too_long"] += 1
        else:
            kept.append(trace)
    if spec.problems is not None:
        ids = sorted({t.problem_id for t in kept},
                     key=lambda pid: hashlib.sha256(f"{spec.seed}:{pid}".encode()).hexdigest())[:spec.problems]
        chosen = set(ids)
        dropped["not_sampled"] += sum(t.problem_id not in chosen for t in kept)
        kept = [t for t in kept if t.problem_id in chosen]
    return kept


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _question_key(question: str) -> str:
    return re.sub(r"\s+", " ", question).strip()


def to_records(traces: list[ImportedTrace], spec: TraceImport) -> pd.DataFrame:
    """The `trace` records of paired traces; the source's label as the extra column `source_correct`."""
    label = spec.label
    out = pd.DataFrame([{
        "problem_id": t.problem_id, "sample": t.sample, "question": t.question, "gold": t.gold,
        "request_key": "import-" + _digest(f"{label}|{t.where}|{t.sample}"),
        "text": t.text, "reasoning": t.reasoning, "answer_text": t.answer_text, "split_method": t.split_method,
        "finish_reason": "length" if t.truncated else "stop", "truncated": t.truncated, "n_completion_tokens": None,
        "source_correct": t.label,
    } for t in traces])
    if len(out):
        out["n_completion_tokens"] = out["n_completion_tokens"].astype("Int64")
        out["source_correct"] = out["source_correct"].astype("boolean")
    return out
