"""Record schemas of the data passed between stages (Parquet tables, one row per record).

Every table a stage writes is checked against its schema here before it is published, and every table a stage reads
is checked on the way in, so a wrong file fails with the file and the column named.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa

from styledistill.errors import UserError

_STR, _INT, _BOOL, _FLOAT = pa.string(), pa.int64(), pa.bool_(), pa.float64()

# name -> [(column, type, description)]
RECORDS: dict[str, list[tuple[str, pa.DataType, str]]] = {
    "problem": [
        ("problem_id", _STR, "stable id, unique within a dataset"),
        ("question", _STR, "problem statement shown to the model"),
        ("answer", _STR, "gold final answer (plain or LaTeX)"),
        ("level", _INT, "difficulty level when known, else null"),
        ("source", _STR, "where the problem came from (builtin:<seed>, a file, a hub id)"),
        ("split", _STR, "train or test"),
        ("options", _STR, "multiple choice: JSON list of the options in the order shown (A, B, ...), else null"),
        ("solution", _STR, "worked solution as a JSON list of [expression, value] steps when the source knows it (the "
                           "built-in generator), else null"),
    ],
    "trace": [
        ("problem_id", _STR, "problem answered"),
        ("sample", _INT, "sample index (0..n-1) for this problem"),
        ("question", _STR, "problem statement"),
        ("gold", _STR, "gold final answer"),
        ("request_key", _STR, "content key of the generation request"),
        ("text", _STR, "raw completion"),
        ("reasoning", _STR, "the reasoning part (inside <think>, or before the answer marker)"),
        ("answer_text", _STR, "the final-answer part"),
        ("split_method", _STR, "how reasoning and answer were separated: think_tags, marker, none"),
        ("finish_reason", _STR, "stop or length"),
        ("truncated", _BOOL, "output hit the token limit or left <think> unclosed"),
        ("n_completion_tokens", _INT, "tokens generated"),
    ],
    "planted": [
        ("problem_id", _STR, "problem answered"),
        ("sample", _INT, "sample index"),
        ("correct", _BOOL, "the simulated trace ends on the gold answer (else on a planted slip in its last step)"),
        ("final", _STR, "the value the trace ends on"),
        ("target_words", _INT, "the length drawn for the trace, in words (its content may make it longer)"),
        ("backtracking", _INT, "backtracking episodes planted (a wrong value, a realization pivot, the correction)"),
        ("pivot_spans", _STR, "JSON list of the planted pivots: [start, end, type, phrase], offsets in the reasoning"),
        ("stage_spans", _STR, "JSON list of the planted stages: [start, end, stage], offsets in the reasoning"),
    ],
    "grade": [
        ("correct", _BOOL, "final answer equals the gold answer (per the grader)"),
        ("extracted", _STR, "the answer the grader extracted, as text"),
        ("grade_method", _STR, "how it was found: boxed, marker, last_math, last_number, letter, option_text, none"),
        ("grader", _STR, "the grader by name: math, integer, number, choice (grading/graders.py)"),
        ("grade_status", _STR, "graded, or timeout (over the time limit: graded False)"),
        ("second_correct", _BOOL, "the second opinion's verdict (grading/second_opinion.py)"),
        ("second_extracted", _STR, "the answer the second opinion extracted"),
    ],
    "grade_audit": [
        ("problem_id", _STR, "problem"),
        ("sample", _INT, "sample index"),
        ("grader", _STR, "the grader by name"),
        ("gold", _STR, "gold answer"),
        ("extracted", _STR, "the grader's extraction"),
        ("correct", _BOOL, "the grader's verdict"),
        ("grade_method", _STR, "how the grader found its answer"),
        ("second_extracted", _STR, "the second opinion's extraction"),
        ("second_correct", _BOOL, "the second opinion's verdict"),
        ("source_correct", _BOOL, "an imported trace's own label from its source (null: none)"),
        ("disagreement", _STR, "with whom the grader disagrees: second_opinion, source_label or both"),
        ("answer_tail", _STR, "the last 300 characters of the graded text"),
    ],
    "st": [
        ("problem_id", _STR, "problem"),
        ("question", _STR, "problem statement"),
        ("gold", _STR, "gold final answer"),
        ("reasoning", _STR, "teacher reasoning of a correct trace"),
        ("answer_text", _STR, "teacher final-answer text"),
        ("sample", _INT, "which teacher sample was kept"),
    ],
    "example": [
        ("problem_id", _STR, "problem"),
        ("variant", _STR, "variant key (ST, ST-HC, ...)"),
        ("question", _STR, "prompt shown to the student"),
        ("reasoning", _STR, "reasoning the student learns to write (empty for no-trace variants)"),
        ("answer_text", _STR, "final-answer text the student learns to write"),
        ("target_answer", _STR, "answer the example is built to reach (gold, or a wrong one for -W)"),
        ("gold", _STR, "gold final answer"),
        ("target_correct", _BOOL, "the example's final answer grades correct against the gold"),
        ("status", _STR, "ok, or why the problem has no example (missed_target, style_rejected, truncated, ...)"),
        ("method", _STR, "how it was built (copied, generated, rewrite, fallback, pivots_stripped, ...)"),
    ],
    "contamination": [
        ("problem_id", _STR, "the training problem"),
        ("benchmark", _STR, "the benchmark it matches (for a duplicate: the training set's own key)"),
        ("benchmark_id", _STR, "the benchmark problem it matches (for a duplicate: the training problem kept)"),
        ("method", _STR, "exact (the same normalised text), ngram, fuzzy, or duplicate (inside the training set)"),
        ("evidence", _STR, "the shared word n-gram, the fuzzy ratio, or the normalised text"),
        ("score", _FLOAT, "the fuzzy ratio (0-100; null for the other methods)"),
        ("dropped", _BOOL, "left out of the cleaned problems (action drop), or only reported"),
        ("question", _STR, "the training problem's text"),
        ("benchmark_question", _STR, "the benchmark problem's text"),
    ],
    "eval_answer": [
        ("problem_id", _STR, "benchmark problem"),
        ("sample", _INT, "sample index"),
        ("prompt", _STR, "the user message the student answered (the benchmark's prompt template, rendered)"),
        ("text", _STR, "raw completion of the student"),
        ("reasoning", _STR, "reasoning part"),
        ("answer_text", _STR, "final-answer part"),
        ("finish_reason", _STR, "stop or length"),
        ("truncated", _BOOL, "hit the token limit"),
        ("n_completion_tokens", _INT, "tokens generated (under budget forcing: in all rounds)"),
        ("gold", _STR, "gold answer"),
        ("thinking_tokens", _INT, "budget forcing: tokens generated in the thinking rounds (null without it)"),
        ("waits", _INT, "budget forcing: times the end of thinking was replaced by `wait` (0 without it)"),
        ("forced", _BOOL, "budget forcing: the thinking reached max_thinking_tokens and was ended for the student"),
        ("computed_on", _STR, "what computed the answer: for a local model its device, dtype and engine, for an API "
                              "its system_fingerprint where it gives one (null: not recorded)"),
    ],
}
RECORDS["eval_sample"] = RECORDS["eval_answer"] + RECORDS["grade"]
RECORDS["graded_trace"] = RECORDS["trace"] + RECORDS["grade"]
RECORDS["features"] = [
    ("problem_id", _STR, "problem answered"),
    ("sample", _INT, "sample index (0..n-1) for this problem"),
    ("correct", _BOOL, "the trace was graded correct"),
    ("truncated", _BOOL, "the trace hit the token limit or left <think> unclosed"),
    ("reasoning_tokens", _INT, "spaCy tokens in the reasoning (punctuation counted, whitespace not)"),
    ("answer_tokens", _INT, "spaCy tokens in the final-answer text"),
    ("words", _INT, "reasoning tokens that are not punctuation"),
    ("steps", _INT, "reasoning steps: non-empty paragraphs separated by blank lines"),
    ("sentences", _INT, "sentences in the reasoning"),
    ("words_per_step", _FLOAT, "words / steps (null without steps)"),
    *[
        column
        for kind in ("realization", "verification", "exploration", "integration")
        for column in (
            (f"{kind}_count", _INT, f"{kind} pivots matched in the reasoning"),
            (f"{kind}_per_1k", _FLOAT, f"{kind} pivots per 1000 reasoning tokens (0 for an empty reasoning)"),
        )
    ],
    ("pivot_types", _INT, "pivot types present, 0-4 (coverage)"),
    ("has_min_types", _BOOL, "pivot_types reaches the min_types threshold (default 3 of 4)"),
    ("pivots_total", _INT, "pivots of all types"),
    ("pivot_diversity", _FLOAT, "distinct pivot phrases used / pivots (null without pivots)"),
    ("first_pivot_pos", _FLOAT, "token position of the first pivot / reasoning tokens, 0-1 (null without pivots)"),
    ("type_token_ratio", _FLOAT, "distinct lower-cased words / words (null without words)"),
    ("step_coherence", _FLOAT, "mean Jaccard overlap of content-lemma sets of adjacent steps (null below 2 steps)"),
    ("backtracking", _INT, "realization pivots that open a revision (features/backtracking.py)"),
    ("verification_episodes", _INT, "maximal runs of adjacent steps (sentences below 3 steps) with verification cues"),
    *[
        (f"stage_{stage}", _FLOAT, f"share of the reasoning tokens in the {stage} stage (null without tokens)")
        for stage in ("framing", "exploration", "verification", "synthesis")
    ],
    ("stage_transitions", _INT, "changes of stage along the trace (stage spans - 1)"),
    ("stage_order", _STR, "stages of the spans in order, F/E/V/S joined by '>', e.g. F>E>V>S ('' when empty)"),
    ("pivot_spans", _STR, "JSON list of [start, end, type, phrase]: character spans of the pivots in the reasoning"),
    ("stage_spans", _STR, "JSON list of [start, end, stage]: character spans of the stages (features/stages.py)"),
]


def schema(record: str) -> pa.Schema:
    return pa.schema([pa.field(name, dtype) for name, dtype, _ in RECORDS[record]])


def columns(record: str) -> list[str]:
    return [name for name, _, _ in RECORDS[record]]


def conform(table: pa.Table, record: str, path: str | Path, only: Sequence[str] | None = None) -> pa.Table:
    """Return `table` with the record's columns first, in order and cast; extra columns are kept after them. With
    `only`, just those of the record's columns are required (a reader that needs a few columns of a wide table)."""
    wanted = schema(record)
    if only is not None:
        wanted = pa.schema([f for f in wanted if f.name in only])
    missing = [f.name for f in wanted if f.name not in table.column_names]
    if missing:
        raise UserError(f"{path}: missing column(s) {', '.join(missing)} for a {record} table")
    arrays, fields = [], []
    for field in wanted:
        column = table.column(field.name)
        try:
            arrays.append(column.cast(field.type))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            raise UserError(f"{path}: column {field.name!r} is {column.type}, expected {field.type}: {exc}") from None
        fields.append(field)
    for name in table.column_names:
        if name not in wanted.names:
            arrays.append(table.column(name))
            fields.append(table.schema.field(name))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def markdown() -> str:
    """The record schemas as Markdown (docs/records.md is generated from this)."""
    out = []
    for record, fields in RECORDS.items():
        out.append(f"### {record}\n\n| column | type | meaning |\n|---|---|---|")
        out += [f"| `{name}` | {dtype} | {desc} |" for name, dtype, desc in fields]
        out.append("")
    return "\n".join(out)
