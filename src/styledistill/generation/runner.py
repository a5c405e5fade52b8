"""Send only the requests the store does not already hold, and record each batch as it finishes."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Protocol

from tqdm import tqdm

from styledistill.generation.request import Request, Response
from styledistill.generation.store import RequestStore

log = logging.getLogger(__name__)


class Backend(Protocol):
    def generate(self, requests: list[Request]) -> Iterator[list[Response]]:
        """Yield responses batch by batch, in any order; each batch is stored before the next starts."""
        ...


def store_for(root: str | Path, model_identity: str) -> RequestStore:
    return RequestStore(Path(root) / model_identity)


def complete(requests: Iterable[Request], store: RequestStore, backend_factory) -> dict[str, Response]:
    """Return a response for every request; only requests missing from the store reach the backend.

    `backend_factory` is called only if something is missing, so a fully cached run never loads a model.
    """
    requests = list(requests)
    unique = {r.key: r for r in requests}
    missing = [r for key, r in unique.items() if key not in store]
    log.info("%d request(s): %d cached, %d to generate", len(unique), len(unique) - len(missing), len(missing))
    if missing:
        backend: Backend = backend_factory()
        with tqdm(total=len(missing), desc="generate", unit="req") as bar:
            for batch in backend.generate(missing):
                store.put(batch)
                bar.update(len(batch))
    return {key: store.get(key) for key in unique}
