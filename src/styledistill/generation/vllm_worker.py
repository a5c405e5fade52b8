"""The vLLM side of the vllm backend: runs in vLLM's own Python (its pins differ from ours), stdlib + vllm only.

    python vllm_worker.py JOB.json

JOB.json: {"model": dir, "engine": {LLM(...) keyword arguments}, "chunk_size": prompts per engine call (null: all),
"groups": [{"id": str, "messages": [{"role", "content"}...], "n": samples, "sampling": {...}, "continue": bool}]}.
A group that continues its last (assistant) message goes to the engine in a call of its own kind.

For each chunk of groups it writes one JSON line to the result stream (the original stdout) and flushes it:
{"results": [{"id", "n_prompt_tokens", "outputs": [{"text", "finish_reason", "n_completion_tokens"}]}],
"seconds": the engine call's wall time}.
Everything vLLM prints goes to stderr, so the result stream holds only these lines. The worker exits when its
parent dies (a broken pipe, or a changed parent pid between chunks), so a kill -9 of the stage leaves no engine behind.
"""

from __future__ import annotations

import json
import os
import sys
import time


def _result_stream():
    """Keep the real stdout for results and point fd 1 at stderr, where vLLM's own logging then lands."""
    stream = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    return stream


def _sampling_params(group: dict):
    from vllm import SamplingParams

    s = group["sampling"]
    # Greedy samples are all the same and vLLM refuses n > 1 for them: draw one, copy it (in _result).
    n = 1 if s["temperature"] == 0 else group["n"]
    # No per-request seed: on CPU it crashes batches larger than max_num_batched_tokens; the engine seed is used.
    # the decoding controls that are on, under vLLM's own names (top_k, min_p, repetition_penalty, presence_penalty)
    return SamplingParams(n=n, temperature=s["temperature"], top_p=s["top_p"], max_tokens=s["max_new_tokens"],
                          **s.get("controls", {}))


def _result(group: dict, output) -> dict:
    outputs = [
        {"text": o.text, "finish_reason": o.finish_reason or "stop", "n_completion_tokens": len(o.token_ids)}
        for o in output.outputs
    ]
    if len(outputs) == 1:
        outputs *= group["n"]
    return {"id": group["id"], "n_prompt_tokens": len(output.prompt_token_ids or []), "outputs": outputs}


def _numerics(llm, engine: dict) -> dict:
    """What the answers depend on beyond the model (devices.numerics' arguments): the dtype the engine chose, its
    version, the GPU or the CPU's vector instructions."""
    import torch
    import vllm

    dtype = getattr(getattr(llm.llm_engine, "model_config", None), "dtype", None) or engine.get("dtype")
    return {"dtype": str(dtype), "engine": f"vllm-{vllm.__version__}",
            "gpu_name": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
            "cpu_capability": torch.backends.cpu.get_cpu_capability()}


def _chat(llm, chunk: list[dict]) -> list:
    """The engine's outputs for a chunk, in its order: new answers in one call, continued ones in another."""
    outputs = [None] * len(chunk)
    for continued in (False, True):
        index = [i for i, g in enumerate(chunk) if bool(g.get("continue")) == continued]
        if index:
            got = llm.chat([chunk[i]["messages"] for i in index], [_sampling_params(chunk[i]) for i in index],
                           use_tqdm=False, add_generation_prompt=not continued, continue_final_message=continued)
            for i, output in zip(index, got, strict=True):
                outputs[i] = output
    return outputs


def main(job_path: str) -> None:
    results = _result_stream()
    parent = os.getppid()
    with open(job_path, encoding="utf-8") as handle:
        job = json.load(handle)
    from vllm import LLM

    llm = LLM(model=job["model"], **job["engine"])
    numerics = _numerics(llm, job["engine"])
    groups = job["groups"]
    size = max(1, int(job["chunk_size"] or len(groups)))
    for start in range(0, len(groups), size):
        if os.getppid() != parent:
            sys.exit("vllm worker: the generating process died; stopping")
        chunk = groups[start:start + size]
        began = time.perf_counter()
        outputs = _chat(llm, chunk)
        line = {"results": [_result(g, o) for g, o in zip(chunk, outputs, strict=True)],
                "seconds": time.perf_counter() - began, "numerics": numerics}
        results.write(json.dumps(line, ensure_ascii=False) + "\n")
        results.flush()


if __name__ == "__main__":  # the engine spawns processes that re-import this module
    main(sys.argv[1])
