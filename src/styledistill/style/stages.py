"""Stages of a reasoning trace: problem framing -> exploration -> verification -> synthesis, by documented rules.

Units. A trace is cut into units: its steps (blank-line separated paragraphs), or its sentences when it has fewer
than `MIN_STEPS` steps (a single paragraph says nothing about stages). Each unit gets exactly one stage.

Cues. Every unit is scored for each stage by counting cue matches in it (case-insensitive, whole words, multi-word
cues across any whitespace, like pivots): a pivot of the lexicon counts `PIVOT_WEIGHT` for its stage (exploration
pivots for exploration, verification pivots for verification, integration pivots for synthesis; realization pivots
mark no stage), and each stage cue of `CUES` outside a pivot counts 1. Framing cues restate the task ("we need to",
"the problem", "given that"), exploration cues try something ("let me try", "maybe", "approach"), verification cues
check ("check", "confirm", "plug in", "makes sense"), synthesis cues conclude ("the answer is", "to recap",
"confident", "\\boxed").

Labels, in order:
1. Framing only opens a trace. The first unit is framing unless an exploration, verification or synthesis score
   beats its framing score; each next unit stays framing while it starts within the first `FRAMING_SPAN` of the
   trace's tokens and no other score beats its framing score (a unit without cues there continues the framing).
   After the first unit that is not framing, no unit is.
2. Every other unit takes the stage with the highest score among exploration, verification and synthesis. Ties go
   to the previous unit's stage when it is among the tied, else to verification, then synthesis, then exploration.
   A unit without cues continues the previous unit's stage (exploration right after framing).
3. The last unit is synthesis unless its exploration or verification score beats its synthesis score (traces end
   by concluding; a trace that stops mid-check ends in verification).
4. Smoothing: a single inner unit whose stage won on one plain cue (score 1) and whose two neighbours share a
   stage takes that stage.

Per trace: the share of the reasoning tokens in each stage, the order of stages (consecutive units of one stage form
a span; the letters F, E, V, S of the spans joined by ">", e.g. "F>E>V>E>S"), the number of transitions (spans - 1),
and verification episodes: maximal runs of consecutive units with a verification cue (pivot or cue word).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from styledistill.style.lexicon import PRESET_DIR, canonical
from styledistill.style.phrases import compile_phrases
from styledistill.style.pivots import Pivot

STAGES: tuple[str, ...] = ("framing", "exploration", "verification", "synthesis")
LETTER = {"framing": "F", "exploration": "E", "verification": "V", "synthesis": "S"}
MIN_STEPS = 3
FRAMING_SPAN = 0.15
PIVOT_WEIGHT = 2
# Which stage each pivot type is a cue for.
PIVOT_STAGE = {"exploration": "exploration", "verification": "verification", "integration": "synthesis"}

def _cues() -> dict[str, tuple[str, ...]]:
    """The stage cues, from their data file (style/lexicons/stage_cues.yaml)."""
    from styledistill.io import read_yaml

    data = read_yaml(PRESET_DIR / "stage_cues.yaml", "stage cues")
    return {stage: tuple(data[stage]) for stage in STAGES}


CUES: dict[str, tuple[str, ...]] = _cues()
# Tie-break order among the working stages (rule 2).
_TIE_ORDER = ("verification", "synthesis", "exploration")


# Each cue belongs to one stage; one regex finds them all.
CUE_STAGE: dict[str, str] = {canonical(p): stage for stage, phrases in CUES.items() for p in phrases}
assert len(CUE_STAGE) == sum(len(phrases) for phrases in CUES.values()), "a cue is listed under two stages"
_CUES = compile_phrases(CUE_STAGE)


@dataclass(frozen=True)
class Segmentation:
    labels: list[str]  # one stage per unit
    spans: list[tuple[int, int, str]]  # character spans of consecutive units of one stage
    shares: dict[str, float | None]  # share of the tokens in each stage (None without tokens)
    order: str  # e.g. "F>E>V>S" ("" without units)
    transitions: int
    verification_episodes: int


def score_units(text: str, units: Sequence[tuple[int, int]], pivots: Sequence[Pivot]) -> np.ndarray:
    """Cue score of every unit for every stage: an array of shape (units, 4), columns in STAGES order."""
    scores = np.zeros((len(units), len(STAGES)), dtype=np.int64)
    if not units:
        return scores
    column = {stage: i for i, stage in enumerate(STAGES)}
    positions: list[int] = []  # where each cue or pivot starts
    columns: list[int] = []
    weights: list[int] = []
    for pivot in pivots:
        if pivot.kind in PIVOT_STAGE:
            positions.append(pivot.start)
            columns.append(column[PIVOT_STAGE[pivot.kind]])
            weights.append(PIVOT_WEIGHT)
    pivot_starts = [p.start for p in pivots]
    for match in _CUES.finditer(text):
        start = match.start()
        k = bisect_right(pivot_starts, start) - 1
        if k >= 0 and start < pivots[k].end:
            continue  # inside a pivot: the pivot already counted
        found = match.group()
        positions.append(start)
        columns.append(column[CUE_STAGE.get(found) or CUE_STAGE[canonical(found)]])
        weights.append(1)
    unit_starts = np.fromiter((start for start, _ in units), dtype=np.int64, count=len(units))
    unit = np.searchsorted(unit_starts, np.asarray(positions, dtype=np.int64), side="right") - 1
    inside = unit >= 0
    np.add.at(scores, (unit[inside], np.asarray(columns, dtype=np.int64)[inside]), np.asarray(weights)[inside])
    return scores


def label(scores: np.ndarray, positions: Sequence[float]) -> list[str]:
    """Rules 1-4 of the module docstring; `positions[i]` is the share of the trace's tokens before unit i."""
    n = len(scores)
    f, e, v, s = zip(*scores.tolist()) if n else ((), (), (), ())
    labels: list[str] = []
    winning: list[int] = []  # the score that decided each label
    framing = True
    for i in range(n):
        others = max(e[i], v[i], s[i])
        if framing:
            framing = (i == 0 or positions[i] < FRAMING_SPAN) and f[i] >= others
        if framing:
            labels.append("framing")
            winning.append(int(f[i]))
            continue
        by_stage = {"exploration": e[i], "verification": v[i], "synthesis": s[i]}
        best = max(by_stage.values())
        previous = labels[-1] if labels and labels[-1] != "framing" else "exploration"
        tied = [stage for stage in _TIE_ORDER if by_stage[stage] == best]
        labels.append(previous if best == 0 or previous in tied else tied[0])
        winning.append(int(best))
    if n >= 2 and s[-1] >= max(e[-1], v[-1]):
        labels[-1] = "synthesis"
    for i in range(1, n - 1):
        lone = labels[i - 1] == labels[i + 1] and labels[i] not in (labels[i - 1], "framing")
        if lone and winning[i] == 1:
            labels[i] = labels[i - 1]
    return labels


def segment(
    text: str, units: Sequence[tuple[int, int]], unit_tokens: Sequence[int], pivots: Sequence[Pivot]
) -> Segmentation:
    """Stages of one trace, given its units (character spans) and the tokens in each unit."""
    scores = score_units(text, units, pivots)
    tokens = np.asarray(unit_tokens, dtype=np.int64)
    total = int(tokens.sum())
    before = np.cumsum(tokens) - tokens
    labels = label(scores, (before / total).tolist() if total else [0.0] * len(units))
    spans: list[tuple[int, int, str]] = []
    for (start, end), stage in zip(units, labels):
        if spans and spans[-1][2] == stage:
            spans[-1] = (spans[-1][0], end, stage)
        else:
            spans.append((start, end, stage))
    shares: dict[str, float | None] = {stage: None for stage in STAGES}
    if total:
        for stage in STAGES:
            shares[stage] = sum(t for t, lab in zip(tokens.tolist(), labels) if lab == stage) / total
    verifying = scores[:, STAGES.index("verification")] > 0
    episodes = int(np.sum(verifying[1:] & ~verifying[:-1])) + int(verifying[0]) if len(units) else 0
    return Segmentation(
        labels=labels,
        spans=spans,
        shares=shares,
        order=">".join(LETTER[stage] for _, _, stage in spans),
        transitions=max(0, len(spans) - 1),
        verification_episodes=episodes,
    )
