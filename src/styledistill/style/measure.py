"""The style features of one reasoning trace (one row of the `features` record, without its keys)."""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from styledistill.style import backtracking, stages, tokens
from styledistill.style.lexicon import PIVOT_TYPES, canonical
from styledistill.style.nlp import Pipeline
from styledistill.style.pivots import PivotMatcher
from styledistill.style.steps import coherence, step_spans


def _units(text: str, steps: list[tuple[int, int]], sentence_starts: list[int]) -> list[tuple[int, int]]:
    """The units stages are assigned to: the steps, or the sentences when there are fewer than MIN_STEPS steps."""
    if len(steps) >= stages.MIN_STEPS or not sentence_starts:
        return steps
    ends = [*sentence_starts[1:], len(text)]
    return [(start, start + len(text[start:end].rstrip())) for start, end in zip(sentence_starts, ends)]


def measure(
    text: str, doc: Any, answer_tokens: int, matcher: PivotMatcher, min_types: int, pipeline: Pipeline
) -> dict[str, Any]:
    """All style features of one reasoning text and its spaCy Doc, as a dict of feature columns. (The text is
    passed along: `doc.text` would rebuild it token by token.)"""
    toks = tokens.read(doc, pipeline)
    n_tokens = len(toks.starts)
    n_words = len(toks.words)
    steps = step_spans(text)
    step_starts = np.fromiter((start for start, _ in steps), dtype=np.int64, count=len(steps))
    # content lemmas of each step, for the coherence of adjacent steps (tokens are in text order: so are steps)
    step_of = np.searchsorted(step_starts, toks.content_starts, side="right") - 1
    keep = step_of >= 0
    bounds = np.searchsorted(step_of[keep], np.arange(1, len(steps)), side="left")
    step_lemmas = [set(part.tolist()) for part in np.split(toks.content_lemmas[keep], bounds)] if steps else []

    pivots = matcher.find(text)
    sentence_starts = toks.sentence_starts.tolist()
    units = _units(text, steps, sentence_starts)
    unit_starts = np.fromiter((start for start, _ in units), dtype=np.int64, count=len(units))
    unit_of = np.searchsorted(unit_starts, toks.starts, side="right") - 1
    unit_tokens = np.bincount(unit_of[unit_of >= 0], minlength=len(units))
    staged = stages.segment(text, units, unit_tokens.tolist(), pivots)

    row: dict[str, Any] = {
        "reasoning_tokens": n_tokens,
        "answer_tokens": answer_tokens,
        "words": n_words,
        "steps": len(steps),
        "sentences": len(sentence_starts),
        "words_per_step": n_words / len(steps) if steps else None,
    }
    counts = {kind: 0 for kind in PIVOT_TYPES}
    for pivot in pivots:
        counts[pivot.kind] += 1
    for kind in PIVOT_TYPES:
        row[f"{kind}_count"] = counts[kind]
        row[f"{kind}_per_1k"] = 1000.0 * counts[kind] / n_tokens if n_tokens else 0.0
    coverage = sum(1 for kind in PIVOT_TYPES if counts[kind])
    first_pivot = int(np.searchsorted(toks.starts, pivots[0].start, side="left")) if pivots else None
    row.update(
        pivot_types=coverage,
        has_min_types=coverage >= min_types,
        pivots_total=len(pivots),
        pivot_diversity=len({canonical(p.phrase) for p in pivots}) / len(pivots) if pivots else None,
        first_pivot_pos=first_pivot / n_tokens if pivots and n_tokens else None,
        type_token_ratio=len(np.unique(toks.words)) / n_words if n_words else None,
        step_coherence=coherence(step_lemmas),
        backtracking=backtracking.count(text, pivots, sentence_starts),
        verification_episodes=staged.verification_episodes,
        **{f"stage_{stage}": staged.shares[stage] for stage in stages.STAGES},
        stage_transitions=staged.transitions,
        stage_order=staged.order,
        pivot_spans=json.dumps([[p.start, p.end, p.kind, p.phrase] for p in pivots], ensure_ascii=False),
        stage_spans=json.dumps([list(span) for span in staged.spans]),
    )
    return row
