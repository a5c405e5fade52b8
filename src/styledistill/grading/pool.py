"""Grade many outputs twice (the named grader and the second opinion), in this process or in a process pool.

Time limits: each answer has a soft limit of `seconds` (grading.limit) wherever it runs. In the pool, each chunk
also has a hard limit: a worker stuck past it (inside one C call, where no signal reaches) is killed by pebble, and
the chunk's answers are graded again one by one, each with its own hard limit; an answer that still runs over is
graded False with status timeout. Nothing is retried beyond that, and nothing raises out of grading. Small inputs are
graded here (a pool costs more than it saves); pool workers come from a fork server with math-verify imported.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from styledistill.grading.graders import Grade, grade
from styledistill.grading.limit import time_limit
from styledistill.grading.second_opinion import Opinion, second_opinion

MAX_CHUNK = 128
POOL_MIN_ANSWERS = 200  # below this a process pool costs more than it saves
PER_ANSWER_SECONDS = 0.05  # a chunk's hard limit: `seconds` for its slowest answer plus this for each other one
GRACE_SECONDS = 5.0
log = logging.getLogger(__name__)

Item = tuple[str, str, tuple[str, ...]]  # (answer text, gold, options)
T = TypeVar("T")


@dataclass(frozen=True)
class Graded:
    grade: Grade
    second: Opinion

    @property
    def disagree(self) -> bool:
        return self.grade.status == "graded" and self.grade.correct != self.second.correct


def grade_one(grader: str, item: Item, seconds: float | None) -> Graded:
    text, gold, choices = item
    graded = grade(grader, text, gold, choices, seconds)
    try:
        with time_limit(seconds):
            second = second_opinion(text, gold, grader, choices)
    except BaseException as exc:  # noqa: BLE001 -- OverTime, or a bug in the second opinion: never the first grade
        log.warning("second opinion failed (%s) on %r", type(exc).__name__, text[-80:] if isinstance(text, str) else "")
        second = Opinion(False, "")
    return Graded(graded, second)


def _grade_chunk(grader: str, items: list[Item], *, seconds: float) -> list[Graded]:
    return [grade_one(grader, item, seconds) for item in items]


OVER_TIME = Graded(Grade(False, "", "none", "timeout"), Opinion(False, ""))


def _context() -> multiprocessing.context.BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["styledistill.grading.graders", "styledistill.grading.math_compare",
                                        "math_verify"])
        return context
    return multiprocessing.get_context("spawn")


def run_bounded(work: Callable[[list[Any]], list[T]], items: list[Any], *, seconds: float, workers: int,
                over_time: T, bar: Any = None) -> list[T]:
    """`work` over chunks of `items` in a pebble process pool, order preserved, with hard limits: a chunk over its
    limit is killed and its items run one by one; an item over `seconds + GRACE_SECONDS` on its own is `over_time`.
    `work` must be picklable (a module-level function or a partial of one)."""
    from pebble import ProcessExpired, ProcessPool

    size = max(1, min(MAX_CHUNK, math.ceil(len(items) / (workers * 4))))
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    out: list[T] = []
    with ProcessPool(max_workers=min(workers, len(chunks)), context=_context()) as pool:
        futures = [pool.schedule(work, args=(chunk,), timeout=seconds + GRACE_SECONDS + PER_ANSWER_SECONDS * len(chunk))
                   for chunk in chunks]
        for chunk, future in zip(chunks, futures):
            try:
                out.extend(future.result())
            except (FutureTimeout, ProcessExpired) as exc:
                log.warning("a chunk of %d answers was stopped (%s): running them one by one", len(chunk),
                            type(exc).__name__)
                singles = [pool.schedule(work, args=([item],), timeout=seconds + GRACE_SECONDS) for item in chunk]
                for single in singles:
                    try:
                        out.extend(single.result())
                    except (FutureTimeout, ProcessExpired):
                        log.warning("one answer was stopped after %gs: counted as over the time limit",
                                    seconds + GRACE_SECONDS)
                        out.append(over_time)
            if bar is not None:
                bar.update(len(chunk))
    return out


def grade_many(grader: str, texts: Sequence[object], golds: Sequence[object], *, seconds: float,
               workers: int = 1, choices: Sequence[Sequence[str]] | None = None, progress: bool = False,
               pool_threshold: int = POOL_MIN_ANSWERS) -> list[Graded]:
    """Grade each text against its gold answer (and options, for `choice`), order preserved."""
    if len(texts) != len(golds) or (choices is not None and len(choices) != len(texts)):
        raise ValueError(f"grade_many: {len(texts)} answers, {len(golds)} gold answers"
                         + (f", {len(choices)} option lists" if choices is not None else ""))
    items: list[Item] = [
        (text if isinstance(text, str) else "", gold if isinstance(gold, str) else "",
         tuple(choices[i]) if choices is not None else ())
        for i, (text, gold) in enumerate(zip(texts, golds))
    ]
    from tqdm import tqdm

    with tqdm(total=len(items), desc="grading", unit="answer", disable=not progress) as bar:
        if len(items) < max(2, pool_threshold):
            graded = []
            for item in items:
                graded.append(grade_one(grader, item, seconds))
                bar.update()
            return graded
        return run_bounded(partial(_grade_chunk, grader, seconds=seconds), items, seconds=seconds,
                           workers=max(1, workers), over_time=OVER_TIME, bar=bar)
