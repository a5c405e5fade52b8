"""Measure every trace: one row of style features per trace (the `features` record), in one or more processes."""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import pandas as pd

from styledistill.errors import UserError
from styledistill.records import columns
from styledistill.style import nlp as nlp_mod
from styledistill.style import tokens
from styledistill.style.measure import measure
from styledistill.style.pivots import PivotMatcher
from styledistill.style.settings import MeasureSettings

INPUT_COLUMNS = ("problem_id", "sample", "reasoning", "answer_text", "correct", "truncated")
# Below this many texts per process, starting worker processes costs more than it saves.
_MIN_TEXTS_PER_PROCESS = 64
_MAX_CHUNK = 512  # texts per chunk at most (chunks feed the progress bar and balance the processes)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def check_traces(df: pd.DataFrame, path: str) -> None:
    """Reject input a feature table cannot be keyed on (its problem_id and sample columns), naming the file and
    row."""
    if df.empty:
        raise UserError(f"{path}: no traces (a style profile needs at least one)")
    for i, (pid, sample) in enumerate(zip(df["problem_id"], df["sample"])):
        if not isinstance(pid, str) or pd.isna(sample):
            raise UserError(f"{path}: row {i}: problem_id and sample must not be null")
    dup = df.duplicated(["problem_id", "sample"])
    if dup.any():
        i = int(dup.to_numpy().nonzero()[0][0])
        raise UserError(f"{path}: row {i}: duplicate (problem_id, sample) = ({df['problem_id'].iloc[i]!r}, "
                        f"{int(df['sample'].iloc[i])})")


def _processes(n_texts: int, processes: int) -> int:
    return max(1, min(processes, n_texts // _MIN_TEXTS_PER_PROCESS))


def _measure_chunk(chunk: tuple[list[str], list[str], MeasureSettings]) -> list[dict[str, Any]]:
    """Features of a chunk of (reasoning, answer) texts; runs in a worker process when threads > 1."""
    texts, answers, spec = chunk
    pipeline = nlp_mod.load(spec.spacy_model)
    nlp = pipeline.nlp
    nlp.max_length = max(nlp.max_length, max((len(t) for t in texts), default=0) + 1)  # no parser: long is cheap
    matcher = PivotMatcher(spec.lexicon, spec.position_rules)
    docs = nlp.pipe(texts, batch_size=spec.batch_size)
    return [
        measure(text, doc, tokens.count_visible(nlp.make_doc(answer)), matcher, spec.min_types, pipeline)
        for text, doc, answer in zip(texts, docs, answers)
    ]


def _measured(texts: list[str], answers: list[str], spec: MeasureSettings, processes: int) -> Iterator[list[dict]]:
    """Feature rows chunk by chunk, in input order. With several processes, each measures whole chunks (tokenizing
    and measuring both), so nothing but texts and rows crosses between processes."""
    processes = _processes(len(texts), processes)
    size = max(spec.batch_size, min(_MAX_CHUNK, -(-len(texts) // (8 * processes))))
    chunks = [(texts[i : i + size], answers[i : i + size], spec) for i in range(0, len(texts), size)]
    if processes == 1:
        yield from map(_measure_chunk, chunks)
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
        yield from pool.map(_measure_chunk, chunks)


def extract(traces: pd.DataFrame, spec: MeasureSettings, workers: int = 1, progress: bool = True) -> pd.DataFrame:
    """One row of features per trace, in input order, with the `features` record's columns."""
    from tqdm import tqdm

    nlp_mod.load(spec.spacy_model)  # fails early on an unknown model (and forked workers inherit it)
    reasoning = [_text(t) for t in traces["reasoning"]]
    answers = [_text(t) for t in traces["answer_text"]]
    keys = list(zip(traces["problem_id"], traces["sample"], traces["correct"], traces["truncated"]))
    rows = []
    bar = tqdm(total=len(traces), desc="extract_features", unit="trace", file=sys.stderr, disable=not progress)
    with bar:
        for measured in _measured(reasoning, answers, spec, workers):
            for (problem_id, sample, correct, truncated), row in zip(keys[len(rows) :], measured):
                rows.append({
                    "problem_id": problem_id,
                    "sample": int(sample),
                    "correct": None if pd.isna(correct) else bool(correct),
                    "truncated": None if pd.isna(truncated) else bool(truncated),
                    **row,
                })
            bar.update(len(measured))
    return pd.DataFrame(rows, columns=columns("features"))


def answer_tokens(answers: Iterable[Any], spec: MeasureSettings) -> list[int]:
    """The `answer_tokens` feature of each final-answer text (the one feature the answer decides: tokenizer only)."""
    nlp = nlp_mod.load(spec.spacy_model).nlp
    return [tokens.count_visible(nlp.make_doc(_text(answer))) for answer in answers]


def features_of(reasoning: str, answer_text: str = "", spec: MeasureSettings | None = None) -> dict[str, Any]:
    """The features of one text (for tests and for measuring other stages' outputs)."""
    frame = pd.DataFrame([{"problem_id": "-", "sample": 0, "reasoning": reasoning, "answer_text": answer_text,
                           "correct": None, "truncated": None}])
    row = extract(frame, spec or MeasureSettings(), progress=False).iloc[0].to_dict()
    return {key: _plain(value) for key, value in row.items()}


def _plain(value: Any) -> Any:
    """A pandas cell as a plain Python value (None for missing)."""
    if isinstance(value, str):
        return value
    if pd.isna(value):
        return None
    return value.item() if hasattr(value, "item") else value

