"""What a stage calls: n samples for each chat prompt, through the store, with the job's backend.

Backends (`generation/settings.py: BACKENDS`): `transformers` (a prepared model directory; the embedded default),
`vllm` (the same directory, on vLLM's engine in vLLM's own Python) and `litellm` (any API or OpenAI-compatible
server, named by the job's provider; no model directory).

Failed requests (an API error that retries did not cure) are not stored: the next run sends them again. They are
listed in a sidecar next to the stage's output (`<name>.failures.jsonl`: key, tag, sample, error type, message,
attempts), and the stage stops with exit status 3, without writing its output, when more than `max_failure_rate`
of its requests failed (a few flaky items do not block a long run; the output then lacks them and the sidecar says
which). A budget cap reached stops it the same way. Empty answers and `finish_reason: length` are not failures: they
are kept and labelled.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from styledistill.errors import IncompleteRun
from styledistill.generation.api.settings import ProviderSettings
from styledistill.generation.backend import Backend
from styledistill.generation.common import CommonSettings, Sampling
from styledistill.generation.completions import Completion
from styledistill.generation.request import Request, Response
from styledistill.generation.runner import Outcome, complete, store_for
from styledistill.io import atomic_write_text

log = logging.getLogger(__name__)


def failures_path(out: str | Path) -> Path:
    """The failures sidecar of an output: results/x/traces.parquet -> results/x/traces.failures.jsonl."""
    out = Path(out)
    return out.with_name(out.name.split(".")[0] + ".failures.jsonl")


def write_failures(path: str | Path, outcome: Outcome, model: str, append: bool = False) -> None:
    lines = [json.dumps({"model": model, **f.to_record()}, ensure_ascii=False) + "\n" for f in outcome.failures]
    before = Path(path).read_text() if append and Path(path).exists() else ""
    atomic_write_text(path, before + "".join(lines))


def check_outcome(outcome: Outcome, max_failure_rate: float, sidecar: Path | None) -> None:
    """Raise IncompleteRun when the run stopped early or too many requests failed."""
    where = f"; failed requests listed in {sidecar}" if sidecar is not None and outcome.failures else ""
    if outcome.stop_message:
        raise IncompleteRun(f"{outcome.stop_message}; {len(outcome.responses)} of {outcome.requested} requests "
                            f"finished and stored{where}")
    if outcome.failures:
        summary = (f"{len(outcome.failures)} of {outcome.requested} requests failed ({outcome.failure_rate:.1%}, "
                   f"max_failure_rate {max_failure_rate:.1%}){where}; a rerun sends only these")
        if outcome.failure_rate > max_failure_rate:
            raise IncompleteRun(summary)
        log.warning("%s; the output lacks them", summary)


def check_served(responses: dict[str, Response], provider: ProviderSettings | None) -> None:
    """Fail when an answer, stored now or before, came from another model than the provider's `expect_model`."""
    if provider is None or provider.expect_model is None:
        return
    unexpected = Counter(r.served_model for r in responses.values() if provider.unexpected(r.served_model))
    if unexpected:
        served = ", ".join(f"{name!r} ({count})" for name, count in unexpected.most_common())
        raise IncompleteRun(f"{provider.provider}: {sum(unexpected.values())} answer(s) served by {served}, not "
                            f"expect_model {provider.expect_model!r} (the answers are stored; change expect_model "
                            "to accept them, or the model entry to send elsewhere)")


@dataclass(frozen=True)
class Generator:
    """How a job generates: its model (a prepared directory, or an API model's provider), its backend settings, the
    request store, and the GPUs the job was given."""

    model_dir: str | Path | None
    settings: CommonSettings
    provider: ProviderSettings | None
    store: str | Path
    gpus: int

    def complete(self, chats: list[tuple[str, list[dict[str, str]]]], n_samples: int,
                 failures_out: str | Path | None, first_sample: int = 0) -> list[Completion]:
        """Complete every (tag, messages) chat `n_samples` times (sample indices `first_sample`, ...); cached
        responses are reused, never re-sent.

        Returns the finished completions in request order. Failed requests are written to `failures_out` (when
        given; an empty file when nothing failed) and left out; above `max_failure_rate`, or when the budget cap
        stopped the run, this raises IncompleteRun instead (finished responses stay in the store). The backend is
        opened only when a request is missing from the store. A later round of the same job (`first_sample` > 0)
        adds its failures to the sidecar.
        """
        with self.session() as session:
            sampling = self.settings.sampling()
            requests = [session.request(tag, messages, s, sampling)
                        for tag, messages in chats for s in range(first_sample, first_sample + n_samples)]
            return session.complete(requests, failures_out, append_failures=first_sample > 0)

    def session(self) -> Session:
        """Generation over several dependent rounds with one store and at most one backend (opened on first need)."""
        return Session(self)


class Session:
    """A generator's rounds: each round's requests depend on the last round's answers (budget forcing); the store
    stays open, and the backend, opened when a round first misses the store, serves the later rounds."""

    def __init__(self, generator: Generator) -> None:
        self.generator = generator
        self.identity = generator.settings.identity(generator.model_dir, generator.provider)
        self.store = store_for(generator.store, self.identity)
        self.backend: Backend | None = None

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.store.close()
        if self.backend is not None:
            getattr(self.backend, "close", lambda: None)()

    def _backend(self) -> Backend:
        if self.backend is None:
            g = self.generator
            self.backend = g.settings.open(g.model_dir, g.provider, g.gpus, self.store.directory)
        return self.backend

    def request(self, tag: str, messages: list[dict[str, str]], sample: int, sampling: Sampling) -> Request:
        return Request.chat(self.identity, messages, sampling, sample=sample, tag=tag)

    def complete(self, requests: list[Request], failures_out: str | Path | None,
                 append_failures: bool = False) -> list[Completion]:
        """Complete each request (see Generator.complete); the failures sidecar is written, or added to with
        `append_failures`."""
        outcome = complete(requests, self.store, self._backend, close=False)
        sidecar = Path(failures_out) if failures_out is not None else None
        if sidecar is not None:
            write_failures(sidecar, outcome, self.identity, append=append_failures)
        check_outcome(outcome, self.generator.settings.max_failure_rate, sidecar)
        check_served(outcome.responses, self.generator.provider)
        return [Completion(r.tag, r.sample, r, outcome.responses[r.key])
                for r in requests if r.key in outcome.responses]
