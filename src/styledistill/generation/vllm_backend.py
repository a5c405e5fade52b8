"""The vllm backend: offline batches on vLLM's engine, run in vLLM's own Python through `vllm_worker.py`.

vLLM pins its own torch and transformers, so it usually lives in a virtualenv of its own: the worker runs under the
interpreter named by `STYLEDISTILL_VLLM_PYTHON` (default: this one). Requests that differ only in their sample index
go to the engine as one prompt with n samples. The engine takes the sampling seed (an engine-level seed; per-request
seeds crash vLLM's CPU engine on large batches). Tensor parallel size is the job's GPU count unless set. Each chunk of
`chunk_size` prompts is stored the moment it comes back, so a killed run loses at most one chunk of work; with
`chunk_size: null` every prompt of the job reaches vLLM's scheduler at once (no chunk waits for its longest answer
while the GPU idles; a kill loses the whole call).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from styledistill.devices import numerics
from styledistill.errors import IncompleteRun, UserError
from styledistill.generation.request import Request, Response
from styledistill.generation.settings import VllmSettings

log = logging.getLogger(__name__)

WORKER = Path(__file__).with_name("vllm_worker.py")
PYTHON_ENV = "STYLEDISTILL_VLLM_PYTHON"


# Set by the stage CLIs for torch; vLLM on CPU binds its own OpenMP threads to cores, and with these inherited it
# runs several threads on one bound core, spinning (measured: minutes instead of seconds for 32 prompts).
THREAD_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")


def vllm_python() -> str:
    return os.environ.get(PYTHON_ENV) or sys.executable


def worker_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in THREAD_VARS}


def engine_args(settings: VllmSettings, gpus: int, seed: int) -> dict[str, Any]:
    """Keyword arguments for `vllm.LLM`: tensor parallel size is the job's GPU count unless set."""
    tp = settings.tensor_parallel_size or max(1, gpus)
    if gpus and tp > gpus:
        raise UserError(f"--spec: tensor_parallel_size {tp} exceeds the job's {gpus} GPU(s)")
    engine = {"tensor_parallel_size": tp, "seed": seed, "enforce_eager": settings.enforce_eager,
              "gpu_memory_utilization": settings.gpu_memory_utilization, "dtype": settings.dtype,
              "enable_prefix_caching": settings.enable_prefix_caching}
    if settings.max_model_len is not None:
        engine["max_model_len"] = settings.max_model_len
    if settings.rope_scaling is not None:
        engine["hf_overrides"] = {"rope_scaling": settings.rope_scaling.to_spec()}
    return engine


def group_requests(requests: list[Request]) -> dict[str, list[Request]]:
    """Requests that differ only in their sample index, by group id; each group is one prompt with n samples."""
    groups: dict[tuple, list[Request]] = {}
    for request in requests:
        groups.setdefault((request.model, request.messages, request.sampling), []).append(request)
    return {str(i): sorted(members, key=lambda r: r.sample) for i, members in enumerate(groups.values())}


class VllmBackend:
    def __init__(self, model_dir: str | Path, settings: VllmSettings, gpus: int) -> None:
        self.model_dir = Path(model_dir).resolve()
        self.settings = settings
        self.gpus = gpus
        self.engine_seconds = 0.0  # time inside the engine's generate calls (excludes start-up)

    def _job(self, groups: dict[str, list[Request]]) -> dict[str, Any]:
        seed = next(iter(groups.values()))[0].sampling.seed
        return {
            "model": str(self.model_dir),
            "engine": engine_args(self.settings, self.gpus, seed),
            "chunk_size": self.settings.chunk_size,
            "groups": [
                {"id": gid, "messages": members[0].message_dicts(), "n": len(members),
                 "sampling": {"temperature": members[0].sampling.temperature, "top_p": members[0].sampling.top_p,
                              "max_new_tokens": members[0].sampling.max_new_tokens,
                              "controls": members[0].sampling.controls()},
                 "continue": members[0].continues}
                for gid, members in groups.items()
            ],
        }

    def generate(self, requests: list[Request]) -> Iterator[list[Response]]:
        groups = group_requests(requests)
        done = 0
        with tempfile.TemporaryDirectory(prefix="styledistill-vllm-") as tmp:
            job_path = Path(tmp) / "job.json"
            job_path.write_text(json.dumps(self._job(groups)), encoding="utf-8")
            python = vllm_python()
            log.info("vllm worker: %s, %d prompt(s), %d request(s)", python, len(groups), len(requests))
            try:
                proc = subprocess.Popen([python, str(WORKER), str(job_path)], stdout=subprocess.PIPE, text=True,
                                        encoding="utf-8", env=worker_env())
            except OSError as exc:
                raise UserError(f"{PYTHON_ENV}={python}: cannot start vLLM's Python ({exc.strerror})") from None
            try:
                for line in proc.stdout:
                    chunk = json.loads(line)
                    fingerprint = numerics(**chunk["numerics"])
                    batch = [r for result in chunk["results"] for r in self._responses(groups, result, fingerprint)]
                    done += len(batch)
                    self.engine_seconds += chunk["seconds"]
                    log.info("vllm: %d request(s) in %.1f s (%d of %d)", len(batch), chunk["seconds"], done,
                             len(requests))
                    yield batch
            finally:
                if proc.poll() is None and done < len(requests):
                    proc.kill()
                status = proc.wait()
        if status != 0 or done < len(requests):
            raise IncompleteRun(f"vllm worker ({python}) exited with status {status} after {done} of {len(requests)} "
                                f"requests; the finished ones are stored; its log is above")

    @staticmethod
    def _responses(groups: dict[str, list[Request]], result: dict[str, Any],
                   fingerprint: str | None = None) -> list[Response]:
        members = groups[result["id"]]
        return [
            Response(key=request.key, text=out["text"], finish_reason=out["finish_reason"],
                     n_prompt_tokens=result["n_prompt_tokens"], n_completion_tokens=out["n_completion_tokens"],
                     system_fingerprint=fingerprint)
            for request, out in zip(members, result["outputs"], strict=True)
        ]
