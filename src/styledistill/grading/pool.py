"""Grade many answers, in this process or in a process pool (chunked, order preserved).

Where grading runs in a main thread (this process when `processes == 1`, or each pool worker), every answer also
gets a hard time bound (`ANSWER_SECONDS`, a SIGALRM): an answer that still takes too long is graded False with its
extracted answer kept. Pool workers come from a fork server that has math-verify imported already.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import signal
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from styledistill.grading.answers import Grade, extract_answer, grade_answer

ANSWER_SECONDS = 10.0
MAX_CHUNK = 256
POOL_MIN_ANSWERS = 200  # below this a process pool costs more than it saves
log = logging.getLogger(__name__)


class _AnswerTimeout(BaseException):
    """Raised by the alarm; a BaseException so that no `except Exception` inside a parser swallows it."""


def _on_alarm(signum: int, frame: object) -> None:
    raise _AnswerTimeout


def grade_bounded(answer_text: str, gold: str, seconds: float = ANSWER_SECONDS) -> Grade:
    """`grade_answer` with a hard time bound when called in a main thread (else plain `grade_answer`)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        return grade_answer(answer_text, gold)
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return grade_answer(answer_text, gold)
    except _AnswerTimeout:
        extracted, method = extract_answer(answer_text if isinstance(answer_text, str) else "")
        log.warning("grading %r against %r took over %gs: graded False", extracted[:80], gold[:80], seconds)
        return Grade(False, extracted, method)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _grade_chunk(pairs: list[tuple[str, str]]) -> list[Grade]:
    return [grade_bounded(text, gold) for text, gold in pairs]


def _context() -> multiprocessing.context.BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["styledistill.grading.answers", "math_verify"])
        return context
    return multiprocessing.get_context("spawn")


def grade_many(answer_texts: Sequence[str], golds: Sequence[str], processes: int = 1, *,
               chunk_size: int | None = None, progress: bool = False,
               pool_threshold: int = POOL_MIN_ANSWERS) -> list[Grade]:
    """Grade each answer text against its gold answer; `processes > 1` uses a process pool for large inputs."""
    if len(answer_texts) != len(golds):
        raise ValueError(f"grade_many: {len(answer_texts)} answers but {len(golds)} gold answers")
    pairs = list(zip(answer_texts, golds))
    from tqdm import tqdm

    with tqdm(total=len(pairs), desc="grading", unit="answer", disable=not progress) as bar:
        if processes <= 1 or len(pairs) < max(2, pool_threshold):
            grades = []
            for text, gold in pairs:
                grades.append(grade_bounded(text, gold))
                bar.update()
            return grades
        size = chunk_size or max(1, min(MAX_CHUNK, math.ceil(len(pairs) / (processes * 4))))
        chunks = [pairs[i:i + size] for i in range(0, len(pairs), size)]
        grades = []
        with ProcessPoolExecutor(max_workers=min(processes, len(chunks)), mp_context=_context()) as pool:
            for graded in pool.map(_grade_chunk, chunks):
                grades.extend(graded)
                bar.update(len(graded))
        return grades
