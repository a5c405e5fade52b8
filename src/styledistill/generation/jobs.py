"""What a stage calls: n samples for each chat prompt, through the store, with the configured backend."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from styledistill.generation.request import Request, Response, Sampling
from styledistill.generation.runner import complete, store_for
from styledistill.models.loading import model_identity

GENERATION_KEYS = {"backend", "batch_size", "dtype", "max_new_tokens", "temperature", "top_p", "seed"}


@dataclass(frozen=True)
class Completion:
    tag: str
    sample: int
    request: Request
    response: Response


def generate_chats(
    chats: list[tuple[str, list[dict[str, str]]]],
    n_samples: int,
    model_dir: str | Path,
    store_root: str | Path,
    spec: dict[str, Any],
) -> list[Completion]:
    """Complete every (tag, messages) chat `n_samples` times; cached responses are reused, never re-sent."""
    from styledistill.generation.transformers_backend import make_backend

    identity = model_identity(model_dir)
    sampling = Sampling.from_spec(spec)
    requests = [
        Request.chat(identity, messages, sampling, sample=s, tag=tag)
        for tag, messages in chats
        for s in range(n_samples)
    ]
    store = store_for(store_root, identity)
    try:
        responses = complete(
            requests,
            store,
            lambda: make_backend(spec.get("backend", "transformers"), model_dir, int(spec.get("batch_size", 16)),
                                 spec.get("dtype", "auto")),
        )
    finally:
        store.close()
    return [Completion(r.tag, r.sample, r, responses[r.key]) for r in requests]
