"""One simulated trace: the plan of what to plant (drawn from the style's rates) and the text that carries it, with
the character spans of every planted pivot and stage."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from styledistill.problems.builtin import Step, number
from styledistill.simulation import sentences as say
from styledistill.simulation.settings import SimulatedStyle
from styledistill.style.backtracking import opens_revision
from styledistill.style.lexicon import PIVOT_TYPES

# Which stage holds each pivot type's sentences, and where a type goes when its stage is not written.
HOME = {"realization": "exploration", "exploration": "exploration", "verification": "verification",
        "integration": "synthesis"}
FALLBACK = ("exploration", "verification", "synthesis", "framing")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass
class Sentence:
    text: str
    pivot: tuple[str, str] | None = None  # (type, phrase as written), opening the sentence
    backtracking: bool = False


@dataclass
class SimulatedTrace:
    reasoning: str
    answer_text: str
    final: str  # the value the trace ends on
    correct: bool
    target_words: int
    pivots: list[list[Any]] = field(default_factory=list)  # [start, end, type, phrase] in `reasoning`
    stages: list[list[Any]] = field(default_factory=list)  # [start, end, stage] in `reasoning`
    backtracking: int = 0

    @property
    def text(self) -> str:
        return f"<think>\n{self.reasoning}\n</think>\n\n{self.answer_text}"


def wrong_value(value: str, rng: np.random.Generator) -> str:
    """A nearby value that is not `value` (never negative when `value` is not)."""
    exact = Fraction(value)
    scale = max(2, int(abs(exact) * 0.2))
    while True:
        delta = int(rng.integers(1, scale + 1)) * (1 if rng.random() < 0.5 else -1)
        candidate = exact + delta
        if candidate >= 0 or exact < 0:
            return number(candidate)


def _words(sentences: list[Sentence]) -> int:
    return sum(len(s.text.split()) for s in sentences)


def _written(phrase: str) -> str:
    return phrase[0].upper() + phrase[1:]


@dataclass
class Draft:
    """What one trace is written from: the problem, the steps as the trace states them, what to plant."""

    question: str
    shown: list[Step]  # a wrong trace's last step holds its slip
    final: str
    correct: bool
    counts: dict[str, int]  # pivots per type
    rng: np.random.Generator
    unused: dict[str, list[int]] = field(default_factory=dict)  # filler sentences not yet said, per stage

    def pick(self, options: Any) -> Any:
        return options[int(self.rng.integers(len(options)))]

    def fresh(self, stage: str, pool: tuple[str, ...]) -> str:
        """A filler sentence of the stage not said yet in this trace (all said: they start over)."""
        left = self.unused.get(stage) or list(range(len(pool)))
        index = left.pop(int(self.rng.integers(len(left))))
        self.unused[stage] = left
        return pool[index]


class Writer:
    """Writes the traces of one style; `write` is a function of (question, steps, correct, rng)."""

    def __init__(self, style: SimulatedStyle) -> None:
        self.style = style
        self.stages = list(style.stage_order)
        self.home = {kind: self._present(HOME[kind]) for kind in PIVOT_TYPES}
        self.steps_home = self._present("exploration")
        realization = style.lexicon["realization"]
        self.pause_phrases = [p for p in realization if not opens_revision("", p)] or list(realization)

    def _present(self, stage: str) -> str:
        """`stage`, or the stage that takes its content when the style does not write it."""
        return next(s for s in (stage, *FALLBACK) if s in self.stages)

    def _counts(self, correct: bool, rng: np.random.Generator) -> dict[str, int]:
        rates = self.style.pivots.scaled(1.0 if correct else self.style.wrong_pivot_scale)
        return {kind: int(rng.integers(1, self.style.max_per_type + 1)) if rng.random() < rates[kind] else 0
                for kind in PIVOT_TYPES}

    def write(self, question: str, steps: list[Step], correct: bool, rng: np.random.Generator) -> SimulatedTrace:
        style = self.style
        counts = self._counts(correct, rng)
        final = steps[-1].value if correct else wrong_value(steps[-1].value, rng)
        draft = Draft(question, [*steps[:-1], Step(steps[-1].expr, final)], final, correct, counts, rng)
        target = max(style.length.min_words, round(style.length.median * float(np.exp(style.length.sigma *
                                                                                      rng.standard_normal()))))
        by_stage = {stage: self._blocks(stage, draft) for stage in self.stages}
        for stage in self.stages:
            self._pad(stage, by_stage[stage], style.stage_shares[stage] * target, draft)
        return self._assemble(by_stage, final, correct, target)

    # --- what each stage holds: blocks of sentences that stay together, in order -----------------------------

    def _phrase(self, kind: str, draft: Draft) -> str:
        return _written(draft.pick(self.style.lexicon[kind]))

    def _blocks(self, stage: str, draft: Draft) -> list[list[Sentence]]:
        blocks: list[list[Sentence]] = []
        if stage == "framing":
            blocks.append([Sentence(say.RESTATE.format(question=draft.question))])
        if stage == self.steps_home:
            blocks += self._steps(draft)
        elif self.home["realization"] == stage:
            self._pauses(blocks, draft.counts["realization"], draft)
        for kind in ("exploration", "verification", "integration"):
            if self.home[kind] != stage:
                continue
            for _ in range(draft.counts[kind]):
                phrase = self._phrase(kind, draft)
                step = draft.pick(draft.shown)
                template = (say.PIVOT_BEFORE_VALUE if kind == "integration" and phrase.lower().endswith(" is")
                            else draft.pick(say.PIVOT[kind]))
                text = template.format(pivot=phrase, expr=step.expr, value=step.value, final=draft.final)
                first = 1 if stage == "framing" else 0
                blocks.insert(int(draft.rng.integers(first, len(blocks) + 1)), [Sentence(text, (kind, phrase))])
        return blocks

    def _steps(self, draft: Draft) -> list[list[Sentence]]:
        """The solution's steps, some of them first stated wrong and corrected after a realization pivot (a
        backtracking episode); the other realization pivots are pauses."""
        realization = draft.counts["realization"] if self.home["realization"] == self.steps_home else 0
        # at most one episode per step; on a wrong trace's last step the "correction" lands on its slip, so correct
        # and incorrect traces backtrack alike unless the style says otherwise
        episodes = min(sum(draft.rng.random() < self.style.backtracking for _ in range(realization)), len(draft.shown))
        on_steps = set(draft.rng.choice(len(draft.shown), size=episodes, replace=False).tolist())
        blocks: list[list[Sentence]] = []
        for i, step in enumerate(draft.shown):
            connective = say.CONNECTIVES[min(i, len(say.CONNECTIVES) - 1)]
            if i not in on_steps:
                blocks.append([Sentence(say.STEP.format(connective=connective, expr=step.expr, value=step.value))])
                continue
            wrong = wrong_value(step.value, draft.rng)
            phrase = self._phrase("realization", draft)
            blocks.append([Sentence(say.WRONG_STEP.format(connective=connective, expr=step.expr, wrong=wrong)),
                           Sentence(say.CORRECTION.format(pivot=phrase, expr=step.expr, value=step.value,
                                                          wrong=wrong), ("realization", phrase), True)])
        self._pauses(blocks, realization - episodes, draft)
        return blocks

    def _pauses(self, blocks: list[list[Sentence]], n: int, draft: Draft) -> None:
        """Pause pivots, each at the end of a block, one per block while blocks last: the sentence after a pause is
        never a correction, and a pause's phrase never names a slip ("I missed" is not a pause)."""
        free = list(range(len(blocks)))
        for _ in range(n):
            phrase = _written(draft.pick(self.pause_phrases))
            pause = Sentence(draft.pick(say.PAUSE).format(pivot=phrase), ("realization", phrase))
            if not blocks:
                blocks.append([pause])
                continue
            where = free.pop(int(draft.rng.integers(len(free)))) if free else int(draft.rng.integers(len(blocks)))
            blocks[where] = [*blocks[where], pause]

    # --- length ------------------------------------------------------------------------------------------------

    def _filler(self, stage: str, draft: Draft) -> Sentence:
        pools = {"framing": say.FRAMING, "exploration": say.EXPLORATION, "verification": say.VERIFICATION,
                 "synthesis": say.SYNTHESIS}
        step = draft.pick(draft.shown)
        numbers = list(dict.fromkeys(_NUMBER.findall(draft.question)))
        return Sentence(draft.fresh(stage, pools[stage]).format(
            expr=step.expr, value=step.value, final=draft.final, count=len(numbers), numbers=", ".join(numbers)))

    def _pad(self, stage: str, blocks: list[list[Sentence]], budget: float, draft: Draft) -> None:
        """Fill a stage up to its share of the words with its neutral sentences, between its blocks (never before
        the framing's restatement); the last stage ends on the final value."""
        first = 1 if stage == "framing" else 0
        while not blocks or sum(_words(block) for block in blocks) < budget:
            blocks.insert(int(draft.rng.integers(first, len(blocks) + 1)), [self._filler(stage, draft)])
        if stage == self.stages[-1]:
            blocks.append([Sentence(say.FINAL.format(final=draft.final))])

    # --- text and spans ----------------------------------------------------------------------------------------

    def _assemble(self, by_stage: dict[str, list[list[Sentence]]], final: str, correct: bool,
                  target: int) -> SimulatedTrace:
        per_paragraph = self.style.paragraph_sentences
        parts: list[str] = []
        pivots: list[list[Any]] = []
        spans: list[list[Any]] = []
        backtracking = 0
        offset = 0
        for stage in self.stages:
            sentences = [s for block in by_stage[stage] for s in block]
            if not sentences:
                continue
            start = offset
            for p in range(0, len(sentences), per_paragraph):
                if parts:
                    parts.append("\n\n")
                    offset += 2
                for j, sentence in enumerate(sentences[p:p + per_paragraph]):
                    if j:
                        parts.append(" ")
                        offset += 1
                    if sentence.pivot is not None:
                        kind, phrase = sentence.pivot
                        pivots.append([offset, offset + len(phrase), kind, phrase])
                        backtracking += sentence.backtracking
                    parts.append(sentence.text)
                    offset += len(sentence.text)
            spans.append([start, offset, stage])
        reasoning = "".join(parts)
        return SimulatedTrace(reasoning=reasoning, answer_text=say.ANSWER.format(final=final), final=final,
                              correct=correct, target_words=target, pivots=pivots, stages=spans,
                              backtracking=backtracking)
