"""What a generation backend is: something that turns requests into responses (or failures), batch by batch."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from styledistill.generation.request import Failure, Request, Response


class SendingStopped(Exception):
    """Raised by a backend, after it yielded everything it finished, when it stopped sending early (budget cap)."""

    def __init__(self, message: str, not_sent: int) -> None:
        super().__init__(message)
        self.not_sent = not_sent


class Backend(Protocol):
    def generate(self, requests: list[Request]) -> Iterator[list[Response | Failure]]:
        """Yield results batch by batch, in any order; each batch is stored before the next is asked for.

        A `Response` is finished and stored; a `Failure` is recorded but not stored, so a later run retries it. A
        backend that stops early raises `SendingStopped` after its last batch. A backend that holds something until
        the run is over may also define `close()`; the runner calls it last.
        """
        ...
