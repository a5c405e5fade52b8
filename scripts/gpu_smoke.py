"""GPU smoke test: do this node's GPU paths of the workflow work, and how fast? A few minutes; one JSON summary.

    scripts/gpu-smoke.sh [--model DIR] [--device cuda|cpu] [--steps 20] [--seq 4096] [--out gpu-smoke.json]

1. environment: torch, transformers, CUDA, the device and its memory (a cuda run on a node whose torch sees no GPU
   stops here, in one line);
2. generation: the transformers backend on the device, the embedded model, a batch of prompts, greedy: tokens/s;
3. attention: `packed_sdpa` (per-example SDPA) on one packed row of examples against transformers' sdpa with the
   block-diagonal mask from the position ids (the masked reference): the largest logit difference, and, as a
   control, the difference to the row read as one sequence (examples seeing each other: must be large);
4. SFT: `--steps` optimizer steps of the train_sft stage in bf16 with packing, on examples of the simulated teacher
   (no data to download): tokens/s, first and last loss, peak memory;
5. loss: the chunked cross-entropy against the full one on a packed row of `--seq` tokens: the loss difference, the
   largest gradient difference, and the peak memory of each.

Peak memory is the GPU's (torch.cuda.max_memory_allocated, per phase) on cuda; on cpu, the process's resident peak
so far. `--device cpu` runs the same code on the CPU at small sizes: what the tests run on a machine without a GPU.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
QUESTION = "A shop sells {a} boxes of {b} pens each and then {c} more pens. How many pens does it sell in total?"


def peak_mb(device: str) -> float:
    import torch

    if device == "cuda":
        return round(torch.cuda.max_memory_allocated() / 2**20, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def phase(device: str, run: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """One phase's figures, its wall time and peak memory; an exception becomes the phase's `error`."""
    import torch

    if device == "cuda":
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()
    started = time.perf_counter()
    try:
        out = run()
    except Exception as exc:  # noqa: BLE001 -- a smoke test reports what broke and goes on
        out = {"error": f"{type(exc).__name__}: {exc}"[:500]}
    if device == "cuda":
        torch.cuda.synchronize()
    return {**out, "seconds": round(time.perf_counter() - started, 2), "peak_mb": peak_mb(device)}


def environment(device: str) -> dict[str, Any]:
    import torch
    import transformers

    out: dict[str, Any] = {"python": sys.version.split()[0], "torch": torch.__version__,
                           "transformers": transformers.__version__, "device": device,
                           "cuda_available": torch.cuda.is_available(), "cuda": torch.version.cuda}
    if device == "cuda":
        from styledistill.devices import require_gpus

        require_gpus(1, "gpu-smoke --device cuda")
        props = torch.cuda.get_device_properties(0)
        out.update(gpu=props.name, gpu_memory_gb=round(props.total_memory / 2**30, 1),
                   bf16_supported=torch.cuda.is_bf16_supported())
    return out


def generation(model_dir: Path, device: str, prompts: int, new_tokens: int) -> dict[str, Any]:
    from styledistill.generation.request import Request, Sampling
    from styledistill.generation.settings import TransformersSettings
    from styledistill.generation.transformers_backend import TransformersBackend

    sampling = Sampling(max_new_tokens=new_tokens, temperature=0.0)
    requests = [Request.chat("smoke", [{"role": "user", "content": QUESTION.format(a=3 + i, b=7 + 2 * i, c=i + 1)}],
                             sampling, tag=str(i)) for i in range(prompts)]
    dtype = "bfloat16" if device == "cuda" else "float32"
    backend = TransformersBackend(model_dir, TransformersSettings(batch_size=prompts, dtype=dtype),
                                  gpus=1 if device == "cuda" else 0)
    started = time.perf_counter()
    responses = [r for batch in backend.generate(requests) for r in batch]
    seconds = time.perf_counter() - started
    tokens = sum(r.n_completion_tokens for r in responses)
    return {"on": str(backend.model.device), "prompts": prompts, "tokens": tokens,
            "tokens_per_s": round(tokens / seconds, 1)}


def _student(model_dir: Path, device: str, attention: str) -> Any:
    """The student as train_sft loads it (fp32 master weights), on the device."""
    from styledistill.sft.attention import register
    from styledistill.sft.train import load_student

    register()
    return load_student(model_dir, {"lora_rank": None, "packing": True, "attention": attention}).to(device)


def _autocast(device: str) -> Any:
    """bf16 compute on the GPU, as training runs it; fp32 on the CPU."""
    import torch

    return torch.autocast(device, dtype=torch.bfloat16, enabled=device == "cuda")


def _packed_row(lengths: list[int], vocab: int, device: str) -> dict[str, Any]:
    import torch

    from styledistill.sft.train import collator

    generator = torch.Generator().manual_seed(0)
    examples = [{"input_ids": torch.randint(10, vocab, (n,), generator=generator).tolist()} for n in lengths]
    for example in examples:
        example["labels"] = list(example["input_ids"])
    batch = collator({"packing": True, "max_length": sum(lengths)}, 0)(examples)
    return {k: v.to(device) if hasattr(v, "to") else v for k, v in batch.items()}


def attention(model_dir: Path, device: str, lengths: list[int]) -> dict[str, Any]:
    import torch

    ours, masked = _student(model_dir, device, "packed_sdpa").eval(), _student(model_dir, device, "sdpa").eval()
    batch = _packed_row(lengths, ours.config.vocab_size, device)
    inputs = {"input_ids": batch["input_ids"], "position_ids": batch["position_ids"]}
    with torch.no_grad(), _autocast(device):
        logits = ours(**inputs).logits.float()
        difference = (logits - masked(**inputs).logits.float()).abs().max().item()
        # the control: the same row as one sequence (no position ids to cut it) lets later examples see earlier ones
        leaky = (logits - masked(input_ids=batch["input_ids"]).logits.float()).abs().max().item()
    return {"examples": len(lengths), "tokens": sum(lengths), "max_logit_difference": round(difference, 5),
            "unmasked_difference": round(leaky, 3), "compute": "bf16 autocast" if device == "cuda" else "fp32"}


def examples(path: Path, n: int) -> Path:
    """`n` training examples from the simulated teacher (built-in problems: nothing to download)."""
    import pandas as pd

    from styledistill.io import write_table
    from styledistill.problems import builtin
    from styledistill.simulation.settings import SimulatedTeacher
    from styledistill.simulation.simulate_traces import simulate

    problems = pd.DataFrame(builtin.generate("train", 0, n, [1, 2, 3, 4]))
    traces, _ = simulate(problems, SimulatedTeacher.from_spec({"wrong": 0.0}, "gpu-smoke"))
    write_table(pd.DataFrame({
        "problem_id": traces["problem_id"], "variant": "ST", "question": traces["question"],
        "reasoning": traces["reasoning"], "answer_text": traces["answer_text"], "target_answer": traces["gold"],
        "gold": traces["gold"], "target_correct": True, "status": "ok", "method": "copied"}), path, "example",
        "build_variants", 1)
    return path


def sft(model_dir: Path, device: str, steps: int, batch: int, work: Path) -> dict[str, Any]:
    """train_sft in a fresh process, as the rule runs it: bf16 on the GPU (fp32 on the CPU), packing."""
    cuda = device == "cuda"
    spec = {"max_steps": steps, "per_device_batch_size": batch, "max_length": 2048, "packing": True,
            "gpus": 1 if cuda else 0, "dtype": "bfloat16" if cuda else "float32", "save_steps": 100_000,
            "logging_steps": 1, "learning_rate": 1e-4}
    out = work / "sft"
    command = [sys.executable, "-m", "styledistill.cli.train_sft", "--spec", json.dumps({"version": 1, "stage": spec}),
               "--examples", str(examples(work / "examples.parquet", steps * batch)), "--model", str(model_dir),
               "--recipe", str(REPO / "recipes" / "sft" / "smollm2.yaml"), "--out", str(out / "model"),
               "--work-dir", str(out / "work"), "--threads", str(os.cpu_count() or 1)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        return {"error": result.stderr.strip().splitlines()[-1][:500] if result.stderr.strip() else "failed"}
    log = json.loads((out / "model" / "train_log.json").read_text())
    losses = [entry["loss"] for entry in log["log_history"] if "loss" in entry]
    metrics = log["metrics"]
    return {"steps": steps, "tokens_per_s": metrics.get("tokens_per_s"), "input_tokens": metrics.get("input_tokens"),
            "first_loss": losses[0] if losses else None, "last_loss": losses[-1] if losses else None,
            "child_peak_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)}


def loss(model_dir: Path, device: str, seq: int, chunk_tokens: int) -> dict[str, Any]:
    """The chunked loss against the full one on one packed row of `seq` tokens (checkpointed, as at long context)."""
    import torch

    from styledistill.sft.chunked_loss import install

    results: dict[str, Any] = {}
    grads: dict[str, dict[str, torch.Tensor]] = {}
    for kind in ("full", "chunked"):
        if device == "cuda":
            torch.cuda.empty_cache()
            torch.cuda.reset_peak_memory_stats()
        model = _student(model_dir, device, "packed_sdpa").train()
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        if kind == "chunked":
            install(model, chunk_tokens)
        batch = _packed_row([seq // 2, seq - seq // 2], model.config.vocab_size, device)
        with _autocast(device):
            value = model(**batch).loss
        value.backward()
        results[kind] = {"loss": round(float(value), 6), "peak_mb": peak_mb(device)}
        grads[kind] = {name.replace("lm_head.head.", "lm_head."): p.grad.float().cpu()
                       for name, p in model.named_parameters() if p.grad is not None}
        del model, value
    difference = max((grads["full"][name] - grad).abs().max().item() for name, grad in grads["chunked"].items())
    return {"tokens": seq, "chunk_tokens": chunk_tokens, **{f"{k}_{m}": v[m] for k, v in results.items() for m in v},
            "loss_difference": abs(results["full"]["loss"] - results["chunked"]["loss"]),
            "max_grad_difference": difference}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", type=Path, required=True, help="a prepared model directory (the embedded SmolLM2)")
    p.add_argument("--device", choices=["cuda", "cpu"], default="cuda")
    p.add_argument("--steps", type=int, default=20, help="SFT optimizer steps")
    p.add_argument("--batch", type=int, default=8, help="conversations per SFT step (packed into one row)")
    p.add_argument("--prompts", type=int, default=64, help="generation: prompts in one batch")
    p.add_argument("--new-tokens", type=int, default=256, help="generation: new tokens per prompt")
    p.add_argument("--seq", type=int, default=4096, help="loss: tokens of the packed row")
    p.add_argument("--chunk-tokens", type=int, default=1024, help="loss: tokens per chunk of the chunked loss")
    p.add_argument("--out", type=Path, default=Path("gpu-smoke.json"))
    args = p.parse_args(argv)
    summary: dict[str, Any] = {"environment": environment(args.device)}
    with tempfile.TemporaryDirectory() as tmp:
        phases = {
            "generation": lambda: generation(args.model, args.device, args.prompts, args.new_tokens),
            "attention": lambda: attention(args.model, args.device, [args.seq // 4, args.seq // 4, args.seq // 2]),
            "sft": lambda: sft(args.model, args.device, args.steps, args.batch, Path(tmp)),
            "loss": lambda: loss(args.model, args.device, args.seq, args.chunk_tokens),
        }
        for name, run in phases.items():
            summary[name] = phase(args.device, run)
            print(f"{name}: {json.dumps(summary[name])}", file=sys.stderr, flush=True)
    summary["ok"] = not any("error" in value for value in summary.values() if isinstance(value, dict))
    text = json.dumps(summary, indent=2)
    args.out.write_text(text + "\n")
    print(text)
    return summary


if __name__ == "__main__":
    sys.path.insert(0, str(REPO / "src"))
    from styledistill.errors import UserError

    try:
        raise SystemExit(0 if main()["ok"] else 1)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
