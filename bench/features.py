"""Benchmark of the extract_features pass on real R1-distill traces (prints figures; no pass/fail).

The traces of both shared/data/traces_thoughtanchors_*.jsonl files are replicated to at least --traces traces. The
full feature pass (`features.extract.extract`: spaCy pipeline with nlp.pipe, pivots, steps, stages, backtracking)
is timed against a spaCy tokenizer-only pass (`nlp.tokenizer.pipe`) over the same texts in the same run, after one
untimed tokenizer pass that warms the vocabulary for both. Then the statistics (stats.compare) on the same table,
and peak memory: the process's maximum resident set (resource.getrusage) and the Python heap peak of one more
feature pass under tracemalloc.

    .venv/bin/python bench/features.py [--traces 2000] [--threads 1] [--repeat 1] [--no-tracemalloc]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import pandas as pd
from timing import best_of  # bench/timing.py (this directory is on sys.path when run as a script)

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
FILES = ("traces_thoughtanchors_cots_math.jsonl", "traces_thoughtanchors_site.jsonl")


def load(n: int) -> pd.DataFrame:
    rows = []
    for name in FILES:
        path = DATA / name
        if not path.exists():
            sys.exit(f"{path} not found")
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    copies = -(-n // len(rows))
    return pd.DataFrame({
        "problem_id": [r["id"] for r in rows] * copies,
        "sample": [i for i in range(copies) for _ in rows],
        "reasoning": [r["thinking"] for r in rows] * copies,
        "answer_text": [r["answer_text"] for r in rows] * copies,
        "correct": [bool(r["correct"]) for r in rows] * copies,
        "truncated": False,
    })


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--traces", type=int, default=2000, help="replicate the real traces to at least this many")
    p.add_argument("--threads", type=int, default=1, help="processes of the feature pass (nlp.pipe n_process)")
    p.add_argument("--repeat", type=int, default=1, help="time each pass this many times, keep the best")
    p.add_argument("--no-tracemalloc", action="store_true", help="skip the extra pass that measures the heap peak")
    p.add_argument("--lexicon", default="r1", help="lexicon preset (r1 has position rules; paper has none)")
    args = p.parse_args()

    from styledistill.features import stats
    from styledistill.features.settings import FeatureSettings
    from styledistill.style import extract, nlp, profile

    traces = load(args.traces)
    texts = traces["reasoning"].tolist()
    n, mb = len(texts), sum(len(t.encode("utf-8")) for t in texts) / 1e6
    spec = FeatureSettings.from_spec({"lexicon": args.lexicon})
    pipeline = nlp.load(spec.spacy_model)
    tokenizer = pipeline.nlp.tokenizer
    pipeline.nlp.max_length = max(pipeline.nlp.max_length, max(len(t) for t in texts) + 1)
    print(f"traces: {n} ({len(traces) // traces['sample'].nunique()} real, x{traces['sample'].nunique()}), "
          f"{mb:.1f} MB of reasoning; spaCy {nlp.spacy_version()} {spec.spacy_model}; lexicon {args.lexicon} "
          f"({len(spec.position_rules)} phrases with position rules); threads {args.threads}")
    print(f"rss after loading: {max_rss_mb():.0f} MB")

    tokens = sum(len(doc) for doc in tokenizer.pipe(texts, batch_size=spec.batch_size))  # warm-up, untimed
    t_tok = best_of(args.repeat, lambda: sum(len(d) for d in tokenizer.pipe(texts, batch_size=spec.batch_size)))
    result: dict[str, pd.DataFrame] = {}

    def full() -> None:
        result["features"] = extract.extract(traces, spec, workers=args.threads, progress=False)

    t_full = best_of(args.repeat, full)
    features = result["features"]
    print(f"tokenizer only: {t_tok:6.2f} s  {n / t_tok:7.1f} traces/s  {mb / t_tok:6.2f} MB/s  "
          f"({tokens / t_tok / 1e3:.0f}k tokens/s)")
    print(f"feature pass:   {t_full:6.2f} s  {n / t_full:7.1f} traces/s  {mb / t_full:6.2f} MB/s")
    print(f"ratio (feature pass throughput / tokenizer-only): {t_tok / t_full:.2f}x (goal >= 0.5x)")
    print(f"rss after the passes: {max_rss_mb():.0f} MB (process peak)")

    start = time.perf_counter()
    table = stats.compare(features, profile.NUMERIC_FEATURES, spec.bootstrap, spec.seed)
    t_stats = time.perf_counter() - start
    print(f"stats: {len(table)} features x {spec.bootstrap} bootstrap resamples on {n} traces: {t_stats:.2f} s")

    if not args.no_tracemalloc:
        tracemalloc.start()
        extract.extract(traces, spec, workers=1, progress=False)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"python heap peak of one feature pass (tracemalloc): {peak / 1e6:.0f} MB")
    print(f"peak rss: {max_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
