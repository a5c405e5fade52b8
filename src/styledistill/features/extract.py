"""Measure every trace: one row of style features per trace (the `features` record)."""

from __future__ import annotations

import json
import sys
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from typing import Any

import pandas as pd

from styledistill.errors import UserError
from styledistill.features import nlp as nlp_mod
from styledistill.features.lexicon import PIVOT_TYPES
from styledistill.features.pivots import PivotMatcher
from styledistill.features.spec import FeatureSpec
from styledistill.features.steps import coherence, step_spans
from styledistill.records import columns

INPUT_COLUMNS = ("problem_id", "sample", "reasoning", "answer_text", "correct", "truncated")
# Below this many texts per process, starting worker processes costs more than it saves.
_MIN_TEXTS_PER_PROCESS = 64


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def measure(
    doc: Any, answer_tokens: int, matcher: PivotMatcher, min_types: int, lemma: Callable[[Any], str]
) -> dict[str, Any]:
    """All style features of one reasoning text (a spaCy Doc), as a dict of feature columns."""
    text = doc.text
    starts: list[int] = []  # character offset of each non-space token
    words: list[str] = []
    steps = step_spans(text)
    step_starts = [start for start, _ in steps]
    step_lemmas: list[set[str]] = [set() for _ in steps]
    sentences, sentence_counted = 0, False
    for tok in doc:
        if tok.is_sent_start:
            sentence_counted = False
        if tok.is_space:
            continue
        if not sentence_counted:
            sentences += 1
            sentence_counted = True
        starts.append(tok.idx)
        if tok.is_punct:
            continue
        words.append(tok.lower_)
        if not tok.is_stop and steps:
            step = bisect_right(step_starts, tok.idx) - 1
            if step >= 0:
                step_lemmas[step].add(lemma(tok))
    n_tokens = len(starts)

    pivots = matcher.find(text)
    row: dict[str, Any] = {
        "reasoning_tokens": n_tokens,
        "answer_tokens": answer_tokens,
        "words": len(words),
        "steps": len(steps),
        "sentences": sentences,
        "words_per_step": len(words) / len(steps) if steps else None,
    }
    counts = {kind: 0 for kind in PIVOT_TYPES}
    for pivot in pivots:
        counts[pivot.kind] += 1
    for kind in PIVOT_TYPES:
        row[f"{kind}_count"] = counts[kind]
        row[f"{kind}_per_1k"] = 1000.0 * counts[kind] / n_tokens if n_tokens else 0.0
    coverage = sum(1 for kind in PIVOT_TYPES if counts[kind])
    row.update(
        pivot_types=coverage,
        has_min_types=coverage >= min_types,
        pivots_total=len(pivots),
        first_pivot_pos=bisect_left(starts, pivots[0].start) / n_tokens if pivots and n_tokens else None,
        type_token_ratio=len(set(words)) / len(words) if words else None,
        step_coherence=coherence(step_lemmas),
        backtracking=counts["realization"],
        pivot_spans=json.dumps([[p.start, p.end, p.kind, p.phrase] for p in pivots], ensure_ascii=False),
    )
    return row


def check_traces(df: pd.DataFrame, path: str) -> None:
    """Reject input a feature table cannot be keyed on, naming the file and row."""
    missing = [c for c in INPUT_COLUMNS if c not in df.columns]
    if missing:
        raise UserError(f"{path}: missing column(s) {', '.join(missing)}")
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


def _docs(nlp: Any, texts: list[str], batch_size: int, threads: int) -> Iterator[Any]:
    longest = max((len(t) for t in texts), default=0)
    nlp.max_length = max(nlp.max_length, longest + 1)  # no parser in the default pipeline: long texts are cheap
    n_process = threads if threads > 1 and len(texts) >= _MIN_TEXTS_PER_PROCESS * threads else 1
    return nlp.pipe(texts, batch_size=batch_size, n_process=n_process)


def extract(traces: pd.DataFrame, spec: FeatureSpec, threads: int = 1, progress: bool = True) -> pd.DataFrame:
    """One row of features per trace, in input order, with the `features` record's columns."""
    from tqdm import tqdm

    pipeline = nlp_mod.load(spec.spacy_model)
    nlp = pipeline.nlp
    matcher = PivotMatcher(spec.lexicon)
    reasoning = [_text(t) for t in traces["reasoning"]]
    answers = [_text(t) for t in traces["answer_text"]]
    rows = []
    bar = tqdm(total=len(traces), desc="extract_features", unit="trace", file=sys.stderr, disable=not progress)
    with bar:
        docs = _docs(nlp, reasoning, spec.batch_size, threads)
        keys = zip(traces["problem_id"], traces["sample"], traces["correct"], traces["truncated"])
        for (problem_id, sample, correct, truncated), doc, answer in zip(keys, docs, answers):
            answer_tokens = sum(1 for tok in nlp.make_doc(answer) if not tok.is_space)
            row = {
                "problem_id": problem_id,
                "sample": int(sample),
                "correct": None if pd.isna(correct) else bool(correct),
                "truncated": None if pd.isna(truncated) else bool(truncated),
            }
            row.update(measure(doc, answer_tokens, matcher, spec.min_types, pipeline.lemma))
            rows.append(row)
            bar.update()
    return pd.DataFrame(rows, columns=columns("features"))


def features_of(reasoning: str, answer_text: str = "", spec: FeatureSpec | None = None) -> dict[str, Any]:
    """The features of one text (for tests and for measuring other stages' outputs)."""
    frame = pd.DataFrame([{"problem_id": "-", "sample": 0, "reasoning": reasoning, "answer_text": answer_text,
                           "correct": None, "truncated": None}])
    row = extract(frame, spec or FeatureSpec(), progress=False).iloc[0].to_dict()
    return {key: _plain(value) for key, value in row.items()}


def _plain(value: Any) -> Any:
    """A pandas cell as a plain Python value (None for missing)."""
    if isinstance(value, str):
        return value
    if pd.isna(value):
        return None
    return value.item() if hasattr(value, "item") else value

