"""Send only the requests the store does not already hold, and record each result as it finishes."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from styledistill.generation.backend import Backend, SendingStopped
from styledistill.generation.request import Failure, Request, Response
from styledistill.generation.store import RequestStore

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    responses: dict[str, Response]  # every finished request (cached or new), by key
    failures: list[Failure] = field(default_factory=list)
    requested: int = 0  # unique requests
    cached: int = 0
    generated: int = 0  # finished in this run
    not_sent: int = 0  # never sent because the run stopped early
    stop_message: str | None = None
    spent_usd: float | None = None  # cost of this run's requests, when the backend knows it

    @property
    def failure_rate(self) -> float:
        return len(self.failures) / self.requested if self.requested else 0.0


def store_for(root: str | Path, model_identity: str) -> RequestStore:
    return RequestStore(Path(root) / model_identity)


def complete(requests: Iterable[Request], store: RequestStore, backend_factory: Callable[[], Backend],
             close: bool = True) -> Outcome:
    """Finish every request the store lacks; only those reach the backend.

    `backend_factory` is called only if something is missing, so a fully cached run never loads a model (or reads an
    API key). Failed requests are returned, not stored: they are sent again by the next run. `close`: close the
    backend when done (False: the caller serves later rounds with it and closes it).
    """
    unique = {r.key: r for r in requests}
    missing = [r for key, r in unique.items() if key not in store]
    log.info("%d request(s): %d cached, %d to generate", len(unique), len(unique) - len(missing), len(missing))
    outcome = Outcome({}, requested=len(unique), cached=len(unique) - len(missing))
    costs: list[float | None] = []
    if missing:
        backend: Backend = backend_factory()
        try:
            with tqdm(total=len(missing), desc="generate", unit="req") as bar:
                for batch in backend.generate(missing):
                    finished = [r for r in batch if isinstance(r, Response)]
                    store.put(finished)
                    outcome.failures.extend(r for r in batch if isinstance(r, Failure))
                    outcome.generated += len(finished)
                    costs.extend(r.cost_usd for r in finished)
                    bar.update(len(batch))
        except SendingStopped as stop:
            outcome.not_sent, outcome.stop_message = stop.not_sent, str(stop)
        finally:
            if close:
                getattr(backend, "close", lambda: None)()
        spent = getattr(backend, "spent_usd", None)
        if spent is None and costs and all(c is not None for c in costs):
            spent = sum(costs)
        outcome.spent_usd = spent
        cost = f", ${spent:.4f}" if spent is not None else ""
        log.info("generated %d, failed %d, not sent %d%s", outcome.generated, len(outcome.failures),
                 outcome.not_sent, cost)
    outcome.responses = {key: store.get(key) for key in unique if key in store}
    return outcome
