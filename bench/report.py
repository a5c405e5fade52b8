"""The report stage on a paper-sized study: 3 families × 9 variants × 3 training seeds × 3 benchmarks of 500 problems
(MATH-500-sized), 4 samples each (252 evaluations, 504,000 graded samples), 2,000 bootstrap resamples.

Prints the wall time and peak memory of the whole report rule (its CLI, one core), the time of the comparisons table
alone, and the ratio against a plain bootstrap (a Python loop drawing the problem and seed indices of each replicate)
measured on a few comparisons in the same run and scaled to the table.

    python bench/report.py [--problems 500] [--resamples 2000]
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

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
FAMILIES = ["llama3.2-3b", "ministral-8b", "qwen2.5-32b"]
VARIANTS = ["ST", "ST-HC", "ST-HC-W", "ST-NT", "SBS", "ST-PS", "ST-SS", "ST-HC-LM", "ST-HC-PS"]
ABLATIONS = [("ST-PS", "ST"), ("ST-SS", "ST"), ("ST-HC-LM", "ST-HC"), ("ST-HC-PS", "ST-HC")]
BENCHMARKS = ["math500", "aime24", "gpqa-diamond"]
SEEDS = [0, 1, 2]
SAMPLES = 4


def _samples(rng: np.random.Generator, accuracy: np.ndarray) -> pd.DataFrame:
    from styledistill.records import columns

    problems = len(accuracy)
    correct = rng.random((problems, SAMPLES)) < accuracy[:, None]
    tokens = rng.integers(200, 4000, (problems, SAMPLES))
    frame = pd.DataFrame({
        "problem_id": np.repeat([f"p{i}" for i in range(problems)], SAMPLES),
        "sample": np.tile(np.arange(SAMPLES), problems), "prompt": "q", "text": "t", "reasoning": "r",
        "answer_text": "a", "finish_reason": np.where(tokens.ravel() > 3900, "length", "stop"),
        "truncated": tokens.ravel() > 3900, "n_completion_tokens": tokens.ravel(), "gold": "1",
        "correct": correct.ravel(), "extracted": "1",
        "grade_method": rng.choice(["boxed", "last_number"], problems * SAMPLES, p=[0.9, 0.1]),
        "grader": "math", "grade_status": "graded", "second_correct": correct.ravel(), "second_extracted": "1",
        "thinking_tokens": None, "waits": 0, "forced": False})
    return frame[columns("eval_sample")]


def _score(frame: pd.DataFrame) -> dict:
    """What evaluate's scores.json holds that the report reads (pass@1 over problems, as scoring.score computes it
    with one k; its majority vote is left out: a Python loop per problem that only slows the set-up)."""
    per_problem = frame.groupby("problem_id")["correct"].mean() * 100
    return {"n_problems": len(per_problem), "n_samples": SAMPLES, "pass@1": float(per_problem.mean()),
            "pass@1_stderr": float(per_problem.std(ddof=1) / np.sqrt(len(per_problem))),
            "truncated_share": float(frame["truncated"].mean()),
            "mean_tokens": float(frame["n_completion_tokens"].mean())}


def build(root: Path, problems: int) -> tuple[list[str], list[str], list[str]]:
    """Every evaluation's samples, scores and audit files under `root`; the planted truth: each variant shifts every
    problem's accuracy by its own effect, each seed by a draw of SD 2 points."""
    from styledistill.io import write_table
    from styledistill.records import columns

    rng = np.random.default_rng(0)
    effects = dict(zip(VARIANTS, rng.normal(0.1, 0.05, len(VARIANTS))))
    samples, scores, audits = [], [], []
    empty_audit = pd.DataFrame({c: pd.Series(dtype="object") for c in columns("grade_audit")})
    for family in FAMILIES:
        for benchmark in BENCHMARKS:
            difficulty = rng.uniform(0.05, 0.8, problems)
            cells = [("base", None, 0.0)] + [(v, s, effects[v] + rng.normal(0, 0.02)) for v in VARIANTS
                                              for s in SEEDS]
            for variant, seed, shift in cells:
                where = root / family / variant / str(seed) / benchmark
                where.mkdir(parents=True, exist_ok=True)
                frame = _samples(rng, np.clip(difficulty + shift, 0, 1))
                write_table(frame, where / "samples.parquet", "eval_sample", "evaluate", 1)
                labels = {"family": family, "benchmark": benchmark, "variant": variant,
                          "teacher": "" if seed is None else "r1", "dataset": "" if seed is None else "numina"}
                labels = labels if seed is None else {**labels, "seed": seed}
                (where / "scores.json").write_text(json.dumps({**labels, **_score(frame)}))
                write_table(empty_audit, where / "audit.parquet", "grade_audit", "evaluate", 1)
                samples.append(str(where / "samples.parquet"))
                scores.append(str(where / "scores.json"))
                audits.append(str(where / "audit.parquet"))
    return samples, scores, audits


def contrasts() -> list[dict]:
    from styledistill.report.settings import ABLATION_CLAIM, PAPER_CONTRASTS

    return ([{"a": a, "b": b, "claim": claim} for a, b, claim in PAPER_CONTRASTS]
            + [{"a": a, "b": b, "claim": ABLATION_CLAIM} for a, b in ABLATIONS])


def run_report(root: Path, files: tuple[list[str], list[str], list[str]], resamples: int) -> tuple[float, float]:
    """The report rule's CLI on one core: (seconds, peak MiB)."""
    samples, scores, audits = files
    out = root / "summary"
    spec = json.dumps({"version": 6, "stage": {"variant_order": VARIANTS, "contrasts": contrasts(),
                                               "resamples": resamples, "suites": {"hard": ["aime24", "gpqa-diamond"]}},
                       "study": {"families": {f: f for f in FAMILIES}, "benchmarks": {b: b for b in BENCHMARKS}}})
    names = ["csv", "markdown", "plot", "lengths-plot", "style-csv", "style-plot", "audit", "audit-md", "landing",
             "training-csv", "training-plot", "samples-md", "samples-html", "comparisons-csv", "comparisons-md",
             "claims", "teachers-md", "teachers-rst"]
    argv = ["taskset", "-c", "0", sys.executable, "-m", "styledistill.cli.report", "--spec", spec,
            "--scores", *scores, "--audits", *audits, "--samples", *samples,
            *[arg for name in names for arg in (f"--{name}", str(out / name))]]
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1"}
    started = time.perf_counter()
    result = subprocess.run(argv, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode:
        raise SystemExit(result.stderr[-3000:])
    rows = len(pd.read_csv(out / "comparisons-csv"))
    print(f"comparisons: {rows} rows")
    return seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def _loop_bootstrap(a: np.ndarray, b: np.ndarray, resamples: int, rng: np.random.Generator) -> float:
    """The plain way: per replicate, draw problem indices, then each side's seed indices, and average."""
    draws = []
    for _ in range(resamples):
        problems = rng.integers(0, a.shape[1], a.shape[1])
        seeds_a = rng.integers(0, a.shape[0], a.shape[0])
        seeds_b = rng.integers(0, b.shape[0], b.shape[0])
        draws.append(a[np.ix_(seeds_a, problems)].mean() - b[np.ix_(seeds_b, problems)].mean())
    return float(np.std(draws, ddof=1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--problems", type=int, default=500)
    parser.add_argument("--resamples", type=int, default=2000)
    args = parser.parse_args()
    sys.path.insert(0, str(REPO / "src"))
    from styledistill.report.comparisons import cells, comparisons
    from styledistill.report.settings import ReportSettings

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        files = build(root, args.problems)
        print(f"built {len(files[0])} evaluations of {args.problems} problems x {SAMPLES} samples in "
              f"{time.perf_counter() - started:.1f} s")
        seconds, peak = run_report(root, files, args.resamples)
        print(f"report rule, one core: {seconds:.1f} s, peak {peak:.0f} MiB (goal: under 60 s)")

        evaluations = []
        for path in files[1]:
            labels = json.loads(Path(path).read_text())
            evaluations.append({**labels, "samples": pd.read_parquet(Path(path).with_name("samples.parquet"))})
        settings = ReportSettings.from_spec({"contrasts": contrasts(), "resamples": args.resamples}, "bench")
        started = time.perf_counter()
        table = comparisons(evaluations, settings, "correct")
        ours = time.perf_counter() - started
        print(f"comparisons table alone: {len(table)} rows in {ours:.2f} s")
        table_cells = cells(evaluations, "correct")
        a = np.vstack([table_cells[("llama3.2-3b", "r1", "numina", "ST", "math500")][s] for s in SEEDS])
        b = np.vstack([table_cells[("llama3.2-3b", "r1", "numina", "ST-HC", "math500")][s] for s in SEEDS])
        rng = np.random.default_rng(1)
        started = time.perf_counter()
        for _ in range(3):
            _loop_bootstrap(a, b, args.resamples, rng)
        loop = (time.perf_counter() - started) / 3 * len(table)
        print(f"plain loop bootstrap, scaled to {len(table)} rows: {loop:.1f} s; ours {loop / ours:.1f}x faster")


if __name__ == "__main__":
    main()
