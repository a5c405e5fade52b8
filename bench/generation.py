"""Benchmark of the generation layer on the embedded model (prints figures; no pass/fail).

1. Throughput: the transformers backend (batched, prompts sorted by length) against naive one-prompt-at-a-time
   `model.generate` with the same loaded model, greedy, in the same run, after one untimed warm-up call. Tokens are
   the tokens actually generated (up to and including EOS), so a batch's padding after EOS does not count.
   Then the vllm backend on the same requests (when vLLM's Python is found: STYLEDISTILL_VLLM_PYTHON, else
   .venv-vllm/ as built by scripts/build-vllm-env.sh): tokens/s inside the engine's generate calls, and wall time
   including the engine's start-up (a fresh process; compiled unless --vllm-eager).
2. A fully cached rerun of --cached requests through the store: the store is filled with synthetic responses under
   the keys the stage computes, then `Generator.complete` runs with settings whose backend counts how often it is
   opened (must be 0),
   and the `generate_traces` CLI runs on the same requests in a subprocess (wall time includes Python start-up).

    .venv/bin/python bench/generation.py [--model-dir DIR] [--prompts 32] [--new-tokens 256] [--batch-size 32]
                                         [--naive-prompts N] [--cached 1000] [--threads 2] [--quick]
                                         [--no-vllm] [--vllm-eager]

Without --model-dir the embedded model is prepared (or reused) the way tests/conftest.py does.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
PROMPT = REPO / "prompts" / "teacher.yaml"


def model_dir(arg: str | None) -> Path:
    if arg:
        return Path(arg)
    from tests.conftest import SMOLLM2_SPEC, TEST_CACHE

    out = TEST_CACHE / "models" / "smollm2"
    if not (out / "manifest.json").exists():
        subprocess.run([sys.executable, "-m", "styledistill.cli.prepare_model", "--spec",
                        json.dumps({"stage": SMOLLM2_SPEC}),
                        "--out", str(out), "--cache-dir", str(REPO / "work" / "cache" / "models"), "--threads", "2"],
                       check=True, cwd=REPO)
    return out


def questions(n: int) -> list[str]:
    return [f"A shop sells {3 + i} boxes of {7 + 2 * i} pens each and then {i + 1} more pens. How many pens does it "
            f"sell in total?" for i in range(n)]


def throughput(directory: Path, args: argparse.Namespace) -> None:
    import torch

    from styledistill.generation.request import Request, Sampling
    from styledistill.generation.settings import TransformersSettings
    from styledistill.generation.transformers_backend import TransformersBackend
    from styledistill.prompting import load_prompt

    template = load_prompt(PROMPT, required={"question"}, allowed={"question"})
    sampling = Sampling(max_new_tokens=args.new_tokens, temperature=0.0)
    requests = [Request.chat("bench", template.messages(question=q), sampling, tag=str(i))
                for i, q in enumerate(questions(args.prompts))]
    backend = TransformersBackend(directory, TransformersSettings(batch_size=args.batch_size), 0)
    model, tok = backend.model, backend.tokenizer
    print(f"model {directory.name}: dtype {model.dtype}, threads {torch.get_num_threads()}; {len(requests)} prompts "
          f"x {args.new_tokens} new tokens, batch {args.batch_size}, greedy")
    with torch.inference_mode():  # warm-up, untimed
        enc = tok(backend._render(requests[0]), return_tensors="pt", add_special_tokens=False)
        model.generate(**enc, max_new_tokens=4, do_sample=False, pad_token_id=tok.pad_token_id)

    start = time.perf_counter()
    responses = [r for batch in backend.generate(requests) for r in batch]
    t_backend = time.perf_counter() - start
    n_backend = sum(r.n_completion_tokens for r in responses)
    print(f"backend: {n_backend} tokens in {t_backend:.1f} s = {n_backend / t_backend:.1f} tokens/s "
          f"({sum(r.finish_reason == 'length' for r in responses)} of {len(responses)} hit the limit)")

    naive = requests[: args.naive_prompts or len(requests)]
    eos = tok.eos_token_id
    n_naive = 0
    start = time.perf_counter()
    with torch.inference_mode():
        for request in naive:
            enc = tok(backend._render(request), return_tensors="pt", add_special_tokens=False)
            out = model.generate(**enc, max_new_tokens=args.new_tokens, do_sample=False, pad_token_id=tok.pad_token_id)
            new = out[0, enc.input_ids.shape[1]:].tolist()
            n_naive += new.index(eos) + 1 if eos in new else len(new)
    t_naive = time.perf_counter() - start
    print(f"naive one at a time ({len(naive)} prompts): {n_naive} tokens in {t_naive:.1f} s = "
          f"{n_naive / t_naive:.1f} tokens/s")
    print(f"ratio backend / naive: {(n_backend / t_backend) / (n_naive / t_naive):.2f}x (goal >= 4x)")
    if not args.no_vllm:
        vllm_throughput(directory, requests, n_backend / t_backend, args)


def vllm_throughput(directory: Path, requests: list, transformers_rate: float, args: argparse.Namespace) -> None:
    import os

    from styledistill.generation.settings import VllmSettings
    from styledistill.generation.vllm_backend import PYTHON_ENV, VllmBackend

    python = os.environ.get(PYTHON_ENV) or str(REPO / ".venv-vllm" / "bin" / "python")
    if not Path(python).exists():
        print(f"vllm: skipped ({python} not found; scripts/build-vllm-env.sh builds it)")
        return
    os.environ[PYTHON_ENV] = python
    os.environ.setdefault("VLLM_CPU_KVCACHE_SPACE", "2")
    # vLLM keeps one core for its front end by default; give it the same cores the transformers backend had.
    os.environ.setdefault("VLLM_CPU_NUM_OF_RESERVED_CPU", "0")
    backend = VllmBackend(directory, VllmSettings(enforce_eager=args.vllm_eager, chunk_size=len(requests)), gpus=0)
    start = time.perf_counter()
    responses = [r for batch in backend.generate(requests) for r in batch]
    wall = time.perf_counter() - start
    tokens = sum(r.n_completion_tokens for r in responses)
    rate = tokens / backend.engine_seconds
    mode = "eager" if args.vllm_eager else "compiled"
    print(f"vllm backend ({mode}): {tokens} tokens in {backend.engine_seconds:.1f} s in the engine = {rate:.1f} "
          f"tokens/s; {wall:.1f} s wall incl. engine start-up ({tokens / wall:.1f} tokens/s)")
    print(f"ratio vllm / transformers backend: {rate / transformers_rate:.2f}x in the engine, "
          f"{tokens / wall / transformers_rate:.2f}x including start-up")


def cached_rerun(directory: Path, n: int) -> None:
    import pandas as pd

    from styledistill.generation import jobs
    from styledistill.generation.request import Request, Response
    from styledistill.generation.settings import TransformersSettings
    from styledistill.generation.store import RequestStore
    from styledistill.io import write_table
    from styledistill.models.loading import model_identity
    from styledistill.prompting import load_prompt

    generation = {"backend": "transformers", "max_new_tokens": 256, "temperature": 0.7, "top_p": 0.95, "seed": 0,
                  "batch_size": 16}
    calls = []

    class Counting(TransformersSettings):
        """The stage's settings, with a backend that counts how often it is opened (must be never)."""

        def open(self, model_dir, provider, gpus):
            calls.append(1)
            return super().open(model_dir, provider, gpus)

    settings = Counting.from_spec(generation)
    template = load_prompt(PROMPT, required={"question"}, allowed={"question"})
    qs = [f"What is {i} + {2 * i} - {i % 7}?" for i in range(n)]
    with tempfile.TemporaryDirectory(prefix="bench-generation-") as tmp:
        tmp = Path(tmp)
        identity = model_identity(directory)
        sampling = settings.sampling()
        store = RequestStore(tmp / "store" / identity)
        filler = "Wait, let me check this step again. " * 40  # ~1.4 kB per response, like a short trace
        store.put([Response(Request.chat(identity, template.messages(question=q), sampling, tag=f"p{i}").key,
                            f"<think>{filler}</think> The answer is \\boxed{{{i}}}.", "stop", 60, 300)
                   for i, q in enumerate(qs)])
        store.close()

        start = time.perf_counter()
        model = jobs.Generator(directory, settings, None, tmp / "store", 0)
        done = model.complete([(f"p{i}", template.messages(question=q)) for i, q in enumerate(qs)], 1, None)
        t_lib = time.perf_counter() - start
        print(f"cached rerun, {n} requests via Generator.complete: {len(done)} completions, backend calls "
              f"{len(calls)}, {t_lib:.2f} s")

        problems = pd.DataFrame({"problem_id": [f"p{i}" for i in range(n)], "question": qs,
                                 "answer": [str(i) for i in range(n)], "level": 0, "source": "bench",
                                 "split": "test"})
        write_table(problems, tmp / "problems.parquet", "problem", "make_problems", 1)
        spec = {"stage": {"n_samples": 1}, "generation": generation}
        argv = [sys.executable, "-m", "styledistill.cli.generate_traces", "generate", "--spec", json.dumps(spec),
                "--problems",
                str(tmp / "problems.parquet"), "--model", str(directory), "--prompt", str(PROMPT), "--store",
                str(tmp / "store"), "--out", str(tmp / "traces.parquet"), "--threads", "2"]
        start = time.perf_counter()
        result = subprocess.run(argv, capture_output=True, text=True, cwd=REPO)
        t_cli = time.perf_counter() - start
        line = next((x for x in result.stderr.splitlines() if "request(s):" in x), result.stderr[-300:])
        print(f"cached rerun, {n} requests via the generate_traces CLI (exit {result.returncode}): {t_cli:.2f} s "
              f"wall incl. start-up (goal < 3 s); log: {line.split(' INFO ')[-1]}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model-dir", help="a prepared model directory (default: the embedded model)")
    p.add_argument("--prompts", type=int, default=32)
    p.add_argument("--new-tokens", type=int, default=256)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--naive-prompts", type=int, default=0, help="time the naive loop on the first N prompts only")
    p.add_argument("--cached", type=int, default=1000, help="requests in the cached rerun")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--quick", action="store_true", help="8 prompts x 64 tokens, 200 cached requests")
    p.add_argument("--skip-throughput", action="store_true")
    p.add_argument("--no-vllm", action="store_true", help="skip the vllm backend")
    p.add_argument("--vllm-eager", action="store_true", help="vLLM without compilation (faster start-up)")
    args = p.parse_args()
    if args.quick:
        args.prompts, args.new_tokens, args.cached = 8, 64, 200
    from styledistill.cli._common import set_threads

    set_threads(args.threads)
    import torch

    torch.set_num_threads(args.threads)
    directory = model_dir(args.model_dir)
    if not args.skip_throughput:
        throughput(directory, args)
    cached_rerun(directory, args.cached)


if __name__ == "__main__":
    main()
