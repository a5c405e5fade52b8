"""Decontamination at scale: 100,000 training problems (resampled and perturbed from the shared data) against 2,000
benchmark problems.

Prints the wall time and peak memory of the n-gram pass (one process, one core) and of the full pass with the fuzzy
matching, and the ratio against a naive pairwise fuzzy comparison (rapidfuzz's ratio on every training x benchmark
pair), measured on a subset in the same run and scaled to the whole set.

    python bench/decontaminate.py [--train 100000] [--subset 300]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def _rows(name: str, field: str) -> list[str]:
    return [json.loads(line)[field] for line in (DATA / name).read_text().splitlines() if line.strip()]


def benchmark_pool() -> pd.DataFrame:
    texts = (_rows("math500.jsonl", "problem") + _rows("aime24.jsonl", "problem") + _rows("aime25.jsonl", "problem")
             + _rows("amc23.jsonl", "problem") + _rows("gsm8k_test.jsonl", "question"))[:2000]
    return pd.DataFrame({"problem_id": [f"b{i}" for i in range(len(texts))], "question": texts})


def training_set(n: int, pool: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """`n` problems made from the pool's and the traces' texts: their words (and lengths) with each sentence's words
    in another order and other numbers, so most share no n-gram with a benchmark problem; one in a hundred is an
    exact copy of a benchmark problem."""
    rng = random.Random(seed)
    texts = list(pool["question"]) + _rows("traces_thoughtanchors_cots_math.jsonl", "question")
    out = []
    for i in range(n):
        text = rng.choice(texts)
        if i % 100:
            sentences = []
            for sentence in re.split(r"(?<=[.?!])\s+", text):
                words = re.sub(r"\d+", lambda m: str(rng.randint(2, 999)), sentence).split()
                rng.shuffle(words)
                sentences.append(" ".join(words))
            text = " ".join(sentences)
        out.append(text)
    return pd.DataFrame({"problem_id": [f"t{i}" for i in range(n)], "question": out})


def _pass(train: pd.DataFrame, pool: pd.DataFrame, fuzzy: float | None) -> tuple[float, int]:
    from styledistill.decontamination.decontaminate import find
    from styledistill.decontamination.settings import MatchSettings

    start = time.perf_counter()
    matches = find(train, "train", {"bench": pool}, MatchSettings(fuzzy=fuzzy, dedup=False))
    return time.perf_counter() - start, int(matches["problem_id"].nunique())


def _child(args: argparse.Namespace) -> None:
    """One pass in this process: prints seconds, flagged problems and peak memory (MiB) as JSON."""
    pool = benchmark_pool()
    train = training_set(args.train, pool)
    seconds, flagged = _pass(train, pool, args.fuzzy)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "flagged": flagged, "peak_mib": peak}))


def _measure(n: int, fuzzy: float | None) -> dict:
    cmd = [sys.executable, __file__, "--child", "--train", str(n)] + (["--fuzzy", str(fuzzy)] if fuzzy else [])
    src = str(Path(__file__).resolve().parents[1] / "src")
    env = {"OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin", "PYTHONPATH": src}
    out = subprocess.run(["taskset", "-c", "0", *cmd], capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def naive_seconds_per_problem(subset: int) -> float:
    """rapidfuzz's ratio of every pair, on normalised texts, for `subset` training problems."""
    from rapidfuzz import fuzz

    from styledistill.decontamination.normalize import key

    pool = benchmark_pool()
    bench = [key(text) for text in pool["question"]]
    train = [key(text) for text in training_set(subset, pool, seed=1)["question"]]
    start = time.perf_counter()
    for text in train:
        for other in bench:
            fuzz.ratio(text, other, score_cutoff=90)
    return (time.perf_counter() - start) / subset


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--train", type=int, default=100_000)
    p.add_argument("--subset", type=int, default=300, help="training problems the naive baseline is timed on")
    p.add_argument("--fuzzy", type=float, default=None)
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        return _child(args)
    ngram = _measure(args.train, None)
    full = _measure(args.train, 90.0)
    naive = naive_seconds_per_problem(args.subset) * args.train
    print(f"{args.train:,} training problems against 2,000 benchmark problems (one core each)")
    print("| pass | seconds | peak MiB | flagged | naive pairwise fuzzy / this |")
    print("|---|---|---|---|---|")
    for name, run in (("n-grams (+ exact, sentences)", ngram), ("+ fuzzy >= 90 (blocked by shared 3-grams)", full)):
        print(f"| {name} | {run['seconds']:.1f} | {run['peak_mib']:.0f} | {run['flagged']:,} | "
              f"{naive / run['seconds']:.1f}x |")
    print(f"| naive pairwise fuzzy (timed on {args.subset} problems, scaled) | {naive:.0f} | - | - | 1.0x |")


if __name__ == "__main__":
    main()
