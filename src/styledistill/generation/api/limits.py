"""Rate and budget limits shared by the API backend's worker threads."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class RateLimiter:
    """Requests and tokens per minute over a sliding 60-second window, shared by all worker threads."""

    def __init__(self, rpm: int | None, tpm: int | None, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep, window: float = 60.0) -> None:
        self.rpm, self.tpm, self.window = rpm, tpm, window
        self.clock, self.sleep = clock, sleep
        self._sent: deque[tuple[float, int]] = deque()
        self._tokens = 0
        self._lock = threading.Lock()

    def acquire(self, tokens: int) -> None:
        if self.rpm is None and self.tpm is None:
            return
        while True:
            with self._lock:
                now = self.clock()
                while self._sent and self._sent[0][0] <= now - self.window:
                    self._tokens -= self._sent.popleft()[1]
                fits_requests = self.rpm is None or len(self._sent) < self.rpm
                # One request larger than the whole tpm budget still goes, alone in its window.
                fits_tokens = self.tpm is None or not self._sent or self._tokens + tokens <= self.tpm
                if fits_requests and fits_tokens:
                    self._sent.append((now, tokens))
                    self._tokens += tokens
                    return
                wait = self._sent[0][0] + self.window - now
            self.sleep(max(wait, 0.005))


class Budget:
    """Money spent plus the worst case of what is in flight never exceeds the cap."""

    def __init__(self, cap: float | None) -> None:
        self.cap = cap
        self.spent = 0.0
        self.reserved = 0.0
        self.in_flight = 0  # counted, not inferred from `reserved` (float sums never quite return to 0)
        self.stopped = False
        self._cond = threading.Condition()

    def reserve(self, worst: float) -> bool:
        with self._cond:
            if self.cap is None:
                return True
            while not self.stopped and self.spent + self.reserved + worst > self.cap:
                if self.in_flight == 0:  # nothing in flight can free room: stop for good
                    self.stopped = True
                    break
                self._cond.wait()
            if self.stopped:
                return False
            self.reserved += worst
            self.in_flight += 1
            return True

    def settle(self, worst: float, actual: float) -> None:
        with self._cond:
            if self.cap is not None:
                self.in_flight -= 1
                self.reserved = self.reserved - worst if self.in_flight else 0.0
            self.spent += actual
            self._cond.notify_all()
