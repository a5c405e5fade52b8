"""Benchmark of the graders (prints figures; no pass/fail).

1. Grades per second on MATH-500 (each reference solution against its answer) with the `math` grader and its
   second opinion: in this process, and in the process pool with --processes workers (pool start-up included).
   Baseline, measured in the same run on the same pairs: plain math-verify (`verify(parse(gold), parse(solution))`,
   its own timeouts on), what a grader without extraction of its own does.
2. The slowest single grade on the adversarial suite (tests/unit/test_grading_adversarial.py), against the time
   limit, and the same looping outputs through plain math-verify.

    .venv/bin/python bench/grading.py [--processes 2] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from timing import best_of  # bench/timing.py (this directory is on sys.path when run as a script)

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
sys.path.insert(0, str(REPO))


def plain_math_verify(texts: list[str], golds: list[str]) -> int:
    from math_verify import parse, verify

    return sum(bool(verify(parse(f"${g}$"), parse(t))) for t, g in zip(texts, golds))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--processes", type=int, default=2)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()

    from styledistill.grading.graders import grade
    from styledistill.grading.math_compare import _parse_cached
    from styledistill.grading.pool import grade_many
    from styledistill.grading.second_opinion import second_opinion
    from tests.unit.test_grading_adversarial import CASES, SECONDS

    rows = [json.loads(line) for line in (DATA / "math500.jsonl").read_text().splitlines()]
    texts, golds = [r["solution"] for r in rows], [r["answer"] for r in rows]

    def ours_here() -> None:
        _parse_cached.cache_clear()  # every run cold: no answer parsed before
        grade_many("math", texts, golds, seconds=SECONDS, pool_threshold=len(texts) + 1)

    here = best_of(args.repeat, ours_here)
    pooled = best_of(args.repeat, lambda: grade_many("math", texts, golds, seconds=SECONDS,
                                                     workers=args.processes, pool_threshold=0))
    baseline = best_of(1, lambda: plain_math_verify(texts, golds))
    n = len(texts)
    print(f"MATH-500 ({n} reference solutions, each graded twice: grader and second opinion)")
    print(f"  plain math-verify (baseline)   {n / baseline:8.0f} grades/s")
    print(f"  ours, this process             {n / here:8.0f} grades/s  ({baseline / here:.1f}x the baseline)")
    print(f"  ours, pool of {args.processes} (with start-up) {n / pooled:8.0f} grades/s  "
          f"({baseline / pooled:.1f}x the baseline)")

    worst, worst_case, total = 0.0, "", 0.0
    for grader, text, gold, _, why in CASES:
        start = time.perf_counter()
        grade(grader, text, gold, seconds=SECONDS)
        second_opinion(text, gold, grader)
        took = time.perf_counter() - start
        total += took
        if took > worst:
            worst, worst_case = took, why
    print(f"adversarial suite ({len(CASES)} cases): worst single grade {worst * 1000:.1f} ms ({worst_case}), "
          f"{worst / SECONDS:.4f} of the {SECONDS:g} s limit; all cases {total:.2f} s")
    looping = [(text, gold) for _, text, gold, _, _ in CASES if len(text) >= 64_000]
    start = time.perf_counter()
    plain_math_verify([t for t, _ in looping], [g for _, g in looping])
    plain = time.perf_counter() - start
    start = time.perf_counter()
    for text, gold in looping:
        grade("math", text, gold, seconds=SECONDS)
    ours = time.perf_counter() - start
    print(f"  the {len(looping)} outputs of 64 KB and more: plain math-verify {plain:.2f} s, ours {ours:.3f} s "
          f"({plain / ours:.0f}x faster)")


if __name__ == "__main__":
    main()
