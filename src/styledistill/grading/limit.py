"""A soft per-answer time limit: SIGALRM raises `OverTime` between Python bytecodes of the work it guards.

It works where grading runs in a main thread (one process, or each pool worker) and is a no-op elsewhere. Work stuck
inside one C call never sees the signal: `grading.pool` kills such a worker (the hard limit).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class OverTime(BaseException):
    """Raised by the alarm; a BaseException so that no `except Exception` inside a parser swallows it."""


def _raise(signum: int, frame: object) -> None:
    raise OverTime


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    if not seconds or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return
    previous = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
