"""Benchmark of the train_sft stage against TRL's SFTTrainer (prints figures; no pass/fail).

On the real R1-distill traces of ../shared/data/ (as ST examples: question, reasoning, answer; cut to --max-length
tokens) with the embedded SmolLM2 student, in the same run and on the same examples, batch size and steps:

  ours, padded            our stage (python -m styledistill.cli.train_sft), packing off
  ours, packed            packing on (padding-free: one row per batch, position ids reset per example, attention
                          per example: packed_sdpa)
  ours, packed, 2 procs   the same in two CPU processes (torchrun, gloo), the global batch unchanged
  ours, packed, ckpt      packed with gradient checkpointing (as TRL's default has it: the memory comparison)
  ours, packed, ckpt, chunked
                          packed with gradient checkpointing and the chunked loss (recipe `loss: chunked`): the
                          logits of one chunk of `loss_chunk_tokens` in memory instead of the whole sequence's
  TRL default             trl.SFTTrainer with its default settings (padded batches)
  TRL padding-free        trl.SFTTrainer with packing=True, padding_free=True (rows of max_length, best-fit)

Each runs in a fresh process; printed: trained tokens/s (non-padding input tokens over the training time), the
share of padding in the batches, peak resident memory (of the largest process), and the ratio to TRL's default.
`--loss-memory` runs only ours, packed, ckpt and ours, packed, ckpt, chunked on the longest traces, and prints the
chunked loss's peak memory against the full loss's, measured in the same run (e.g. `--loss-memory --max-length 4096
--batch 1 --steps 1`). Both checkpoint activations, as a long-context run does: without it the attention activations
of every layer, not the logits, set the peak.
TRL runs in fp32 like ours (its default bf16 autocast trains slower on CPU); everything else is its default,
gradient checkpointing included.

    .venv/bin/python bench/sft.py [--steps 2] [--batch 4] [--max-length 2048] [--threads 2] [--skip NAME]
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
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
FILES = ("traces_thoughtanchors_cots_math.jsonl", "traces_thoughtanchors_site.jsonl")
sys.path[:0] = [str(REPO / "src"), str(REPO)]


def examples(path: Path, n: int, longest: bool = False) -> Path:
    """The first n finished traces (the n longest with `longest`) as an ST-style example table."""
    import pandas as pd

    from styledistill.io import write_table

    rows = [json.loads(line) for name in FILES for line in (DATA / name).read_text().splitlines()]
    rows = [r for r in rows if r["answer_text"]]
    if longest:
        rows.sort(key=lambda r: -len(r["thinking"]))
    rows = rows[:n]
    write_table(pd.DataFrame({
        "problem_id": [r["id"] for r in rows], "variant": "ST", "question": [r["question"] for r in rows],
        "reasoning": [r["thinking"] for r in rows], "answer_text": [r["answer_text"] for r in rows],
        "target_answer": [r["gold"] for r in rows], "gold": [r["gold"] for r in rows], "target_correct": True,
        "status": "ok", "method": "copied"}), path, "example", "build_variants", 1)
    return path


# name: (packing, processes, gradient checkpointing, loss)
OURS = {"ours, padded": (False, 1, False, "full"), "ours, packed": (True, 1, False, "full"),
        "ours, packed, 2 procs": (True, 2, False, "full"), "ours, packed, ckpt": (True, 1, True, "full"),
        "ours, packed, ckpt, chunked": (True, 1, True, "chunked")}
LOSS_MEMORY = ("ours, packed, ckpt", "ours, packed, ckpt, chunked")  # full loss, then chunked: --loss-memory
TRL = {"TRL default": "default", "TRL padding-free": "padding-free"}


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ours(args: argparse.Namespace, work: Path, packing: bool, processes: int, checkpointing: bool,
         loss: str) -> dict:
    spec = {"max_steps": args.steps, "per_device_batch_size": args.batch // processes, "max_length": args.max_length,
            "packing": packing, "processes": processes, "save_steps": 10_000, "dtype": "float32",
            "gradient_checkpointing": checkpointing, "loss": loss}
    if processes > 1:
        head = ["torchrun", "--standalone", "--nnodes", "1", "--nproc-per-node", str(processes), "-m"]
    else:
        head = [sys.executable, "-m"]
    out = work / f"ours-{packing}-{processes}-{checkpointing}-{loss}"
    command = [*head, "styledistill.cli.train_sft", "--spec", json.dumps({"version": 1, "stage": spec}),
               "--examples", str(args.examples), "--model", str(args.model),
               "--recipe", str(REPO / "recipes" / "sft" / "smollm2.yaml"), "--out", str(out / "model"),
               "--work-dir", str(out / "work"), "--threads", str(args.threads)]
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    started = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--measure", json.dumps(command)], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    metrics = json.loads((out / "model" / "train_log.json").read_text())["metrics"]
    rss = json.loads((out / "peak.json").read_text()) if (out / "peak.json").exists() else {}
    return {"tokens_per_s": metrics["tokens_per_s"], "padding_share": metrics["padding_share"],
            "input_tokens": metrics["input_tokens"], "peak_mb": rss.get("peak_mb"), "wall_s": round(wall, 1)}


def trl_run(args: argparse.Namespace, padding_free: bool) -> dict:
    """TRL's SFTTrainer on the same conversations (its defaults, or padding_free=True), in this process."""
    import torch
    from datasets import Dataset
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import SFTConfig, SFTTrainer

    from styledistill.io import read_table
    from styledistill.prompting import assistant_target, student_messages

    torch.set_num_threads(args.threads)
    table = read_table(args.examples, "example")
    conversations = [student_messages(q) + [{"role": "assistant", "content": assistant_target(r, a)}]
                     for q, r, a in zip(table["question"], table["reasoning"], table["answer_text"])]
    tokenizer = AutoTokenizer.from_pretrained(str(args.model))
    model = AutoModelForCausalLM.from_pretrained(str(args.model), dtype=torch.float32)
    config = SFTConfig(output_dir=str(args.work / f"trl-{padding_free}"), max_steps=args.steps,
                       per_device_train_batch_size=args.batch, max_length=args.max_length, use_cpu=True,
                       report_to=[], save_strategy="no", logging_steps=1,
                       # TRL's padding-free mode: its best-fit-decreasing packing into rows of max_length
                       packing=padding_free, padding_free=padding_free,
                       seed=42, data_seed=42, dataloader_num_workers=0, bf16=False)
    trainer = SFTTrainer(model=model, args=config, train_dataset=Dataset.from_dict({"messages": conversations}),
                         processing_class=tokenizer)
    seen = {"real": 0, "total": 0}
    collate = trainer.data_collator

    def counting(features: list) -> dict:
        batch = collate(features)
        mask = batch.get("attention_mask")
        seen["total"] += int(batch["input_ids"].numel())
        seen["real"] += int(mask.sum()) if mask is not None else int(batch["input_ids"].numel())
        return batch

    trainer.data_collator = counting
    output = trainer.train()
    seconds = output.metrics["train_runtime"]
    return {"tokens_per_s": round(seen["real"] / seconds, 2), "input_tokens": seen["real"],
            "padding_share": round(1 - seen["real"] / seen["total"], 4), "peak_mb": round(peak_mb()),
            "wall_s": round(seconds, 1)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--steps", type=int, default=2)
    p.add_argument("--batch", type=int, default=4, help="global batch (conversations per optimizer step)")
    p.add_argument("--max-length", type=int, default=2048)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--skip", action="append", default=[], choices=[n for n in [*OURS, *TRL] if n != "TRL default"],
                   help="leave a run out (repeatable; TRL default is the baseline): e.g. 'ours, padded' at "
                        "--max-length 4096 (its masked attention took 22.6 GB at 2048)")
    p.add_argument("--loss-memory", action="store_true", help="only the full and the chunked loss (packed, "
                   "checkpointed, on the longest traces): their peak memory")
    p.add_argument("--measure", help=argparse.SUPPRESS)  # internal: run a command, record its peak memory
    p.add_argument("--trl", choices=["default", "padding-free"], help=argparse.SUPPRESS)  # internal
    p.add_argument("--state", help=argparse.SUPPRESS)  # internal
    args = p.parse_args()
    if args.measure:
        command = json.loads(args.measure)
        subprocess.run(command, check=True)
        out = Path(command[command.index("--out") + 1]).parent
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        (out / "peak.json").write_text(json.dumps({"peak_mb": round(children)}))
        return
    if args.trl:
        state = json.loads(args.state)
        args.examples, args.model, args.work = Path(state["examples"]), Path(state["model"]), Path(state["work"])
        print(json.dumps(trl_run(args, args.trl == "padding-free")))
        return

    from tests.conftest import SMOLLM2_SPEC, _prepare  # the embedded student, prepared as the tests do

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        args.work = work
        args.model = _prepare("smollm2", SMOLLM2_SPEC)
        args.examples = examples(work / "train.parquet", args.steps * args.batch, longest=args.loss_memory)
        results = {}
        for name, (packing, processes, checkpointing, loss) in OURS.items():
            if name in args.skip or (args.loss_memory and name not in LOSS_MEMORY):
                continue
            results[name] = ours(args, work, packing, processes, checkpointing, loss)
            print(f"{name}: {results[name]}", flush=True)
        if args.loss_memory:
            full, chunked = (results[name] for name in LOSS_MEMORY)
            print(f"\nSmolLM2-135M (49,152-token vocabulary), {args.steps} step(s) x {args.batch} conversation(s), "
                  f"max_length {args.max_length}, fp32: peak memory {chunked['peak_mb']} MB with the chunked loss, "
                  f"{full['peak_mb']} MB with the full loss ({chunked['peak_mb'] / full['peak_mb']:.2f}x); "
                  f"tokens/s {chunked['tokens_per_s']} vs {full['tokens_per_s']}")
            return
        for name, mode in TRL.items():
            if name in args.skip:
                continue
            state = json.dumps({"examples": str(args.examples), "model": str(args.model), "work": str(work)})
            out = subprocess.run([sys.executable, __file__, "--trl", mode, "--state", state, "--steps",
                                  str(args.steps), "--batch", str(args.batch), "--max-length", str(args.max_length),
                                  "--threads", str(args.threads)], capture_output=True, text=True, check=True)
            results[name] = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"{name}: {results[name]}", flush=True)
    base = results["TRL default"]["tokens_per_s"]
    print(f"\nSmolLM2-135M, {args.steps} steps x {args.batch} conversations of the real R1 traces, max_length "
          f"{args.max_length}, {args.threads} threads, fp32")
    print(f"{'':24} {'tokens/s':>9} {'x TRL':>6} {'padding':>8} {'peak MB':>8} {'tokens':>7}")
    for name, r in results.items():
        print(f"{name:24} {r['tokens_per_s']:9.1f} {r['tokens_per_s'] / base:6.2f} {r['padding_share']:8.1%} "
              f"{r['peak_mb'] or 0:8.0f} {r['input_tokens']:7d}")
    trl_packed = results.get("TRL padding-free", {}).get("tokens_per_s")
    for name in ("ours, packed", "ours, packed, ckpt"):
        if name in results:
            ours_speed = results[name]["tokens_per_s"]
            against_packed = f"{ours_speed / trl_packed:.2f}x" if trl_packed else "not run"
            print(f"{name} vs TRL default: {ours_speed / base:.2f}x (goal >= 1.5x); "
                  f"vs TRL padding-free: {against_packed} (goal >= 1.0x)")


if __name__ == "__main__":
    main()
