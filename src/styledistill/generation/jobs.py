"""What a stage calls: n samples for each chat prompt, through the store, with the configured backend.

Backends: `transformers` (a prepared model directory; the embedded default), `vllm` (the same directory, on vLLM's
engine in vLLM's own Python) and `litellm` (any API or OpenAI-compatible server, named by the spec's `model` provider
string; no model directory). Keys of the other backends are ignored, so one schema with defaults serves all three;
`backend_settings` keeps only a backend's own keys, so editing another backend's setting reruns nothing.

Failed requests (an API error that retries did not cure) are not stored: the next run sends them again. They are
listed in a sidecar next to the stage's output (`<name>.failures.jsonl`: key, tag, sample, error type, message,
attempts), and the stage stops with exit status 3, without writing its output, when more than `max_failure_rate`
of its requests failed (default 0.05: a few flaky items do not block a long run; the output then lacks them and the
sidecar says which). A budget cap reached stops it the same way. Empty answers and `finish_reason: length` are not
failures: they are kept and labelled.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from styledistill.errors import IncompleteRun, UserError
from styledistill.generation.litellm_backend import DEFAULTS as LITELLM_DEFAULTS
from styledistill.generation.request import Request, Response, Sampling
from styledistill.generation.runner import Outcome, complete, store_for
from styledistill.generation.vllm_backend import SPEC_KEYS as VLLM_KEYS
from styledistill.io import atomic_write_text

log = logging.getLogger(__name__)

COMMON_KEYS = {"backend", "max_new_tokens", "temperature", "top_p", "seed", "max_failure_rate"}
BACKEND_KEYS = {
    "transformers": {"batch_size", "dtype"},
    "vllm": set(VLLM_KEYS),
    "litellm": set(LITELLM_DEFAULTS),
}
BACKENDS = tuple(BACKEND_KEYS)
# The single list of accepted generation keys (every stage that generates accepts these in its spec).
GENERATION_KEYS = COMMON_KEYS.union(*BACKEND_KEYS.values())
DEFAULT_MAX_FAILURE_RATE = 0.05


@dataclass(frozen=True)
class Completion:
    tag: str
    sample: int
    request: Request
    response: Response


def failures_path(out: str | Path) -> Path:
    """The failures sidecar of an output: results/x/traces.parquet -> results/x/traces.failures.jsonl."""
    out = Path(out)
    return out.with_name(out.name.split(".")[0] + ".failures.jsonl")


def backend_settings(generation: dict[str, Any]) -> dict[str, Any]:
    """The keys of a generation block that its backend uses (others would rerun jobs for nothing)."""
    keep = COMMON_KEYS | BACKEND_KEYS.get(generation.get("backend") or "transformers", set())
    return {k: v for k, v in generation.items() if k in keep}


def _max_failure_rate(spec: dict[str, Any]) -> float:
    value = spec.get("max_failure_rate")
    if value is None:
        return DEFAULT_MAX_FAILURE_RATE
    try:
        rate = float(value)
    except (TypeError, ValueError):
        raise UserError("--spec: max_failure_rate must be a number between 0 and 1") from None
    if not 0 <= rate <= 1:
        raise UserError("--spec: max_failure_rate must be a number between 0 and 1")
    return rate


def _backend(model_dir: str | Path | None, spec: dict[str, Any], gpus: int = 0):
    """(model identity, backend factory) for the spec's backend."""
    name = spec.get("backend") or "transformers"
    if name == "litellm":
        from styledistill.generation.litellm_backend import ApiSettings, LiteLLMBackend

        settings = ApiSettings.from_spec(spec)
        if model_dir is not None:
            raise UserError("--model: backend litellm takes no model directory (the spec's 'model' names the provider)")
        return settings.identity, lambda: LiteLLMBackend(settings)
    if name in ("transformers", "vllm"):
        from styledistill.models.loading import model_identity

        if model_dir is None:
            raise UserError(f"--model: backend {name} needs a prepared model directory")
        if spec.get("model") is not None:
            raise UserError(f"--spec: 'model' (a provider string) is for backend litellm; backend {name} "
                            "takes the model directory from --model")

        def factory():
            if name == "vllm":
                from styledistill.generation.vllm_backend import VllmBackend, VllmSettings

                return VllmBackend(model_dir, VllmSettings.from_spec(spec), gpus=gpus)
            from styledistill.generation.transformers_backend import TransformersBackend

            return TransformersBackend(model_dir, int(spec.get("batch_size") or 16), spec.get("dtype") or "auto")

        # The key names the model, not the engine: switching backends reuses what either one finished.
        return model_identity(model_dir), factory
    raise UserError(f"--spec: unknown generation backend {name!r} (available: {', '.join(BACKENDS)})")


def write_failures(path: str | Path, outcome: Outcome, model: str) -> None:
    lines = [json.dumps({"model": model, **f.to_record()}, ensure_ascii=False) + "\n" for f in outcome.failures]
    atomic_write_text(path, "".join(lines))


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


def generate_chats(
    chats: list[tuple[str, list[dict[str, str]]]],
    n_samples: int,
    model_dir: str | Path | None,
    store_root: str | Path,
    spec: dict[str, Any],
    failures_out: str | Path | None = None,
    gpus: int = 0,
) -> list[Completion]:
    """Complete every (tag, messages) chat `n_samples` times; cached responses are reused, never re-sent.

    Returns the finished completions in request order. Failed requests are written to `failures_out` (when given;
    an empty file when nothing failed) and left out; above `max_failure_rate`, or when the budget cap stopped the
    run, this raises IncompleteRun instead (finished responses stay in the store).
    """
    max_failure_rate = _max_failure_rate(spec)
    identity, factory = _backend(model_dir, spec, gpus)
    sampling = Sampling.from_spec(spec)
    requests = [
        Request.chat(identity, messages, sampling, sample=s, tag=tag)
        for tag, messages in chats
        for s in range(n_samples)
    ]
    store = store_for(store_root, identity)
    try:
        outcome = complete(requests, store, factory)
    finally:
        store.close()
    sidecar = Path(failures_out) if failures_out is not None else None
    if sidecar is not None:
        write_failures(sidecar, outcome, identity)
    check_outcome(outcome, max_failure_rate, sidecar)
    return [Completion(r.tag, r.sample, r, outcome.responses[r.key]) for r in requests if r.key in outcome.responses]
