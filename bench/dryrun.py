"""The dry run's cost as a local trace file grows: `python -m styledistill.cli.check` (the checks `snakemake -n` runs
at every parse) on an imported teacher whose JSONL file has --small and --rows rows (real R1-distill traces from
shared/data, repeated under new ids), each cold (no remembered check) and warm (the check passed before on the same
file). Prints seconds and file sizes; no pass/fail.

    .venv/bin/python bench/dryrun.py [--rows 20000] [--small 200]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data" / "traces_thoughtanchors_cots_math.jsonl"
FIELDS = {"id": "id", "question": "question", "reasoning": "thinking", "answer": "answer_text", "gold": "gold",
          "label": "correct"}


def trace_file(path: Path, rows: int) -> Path:
    source = [json.loads(line) for line in SHARED.read_text(encoding="utf-8").splitlines() if line.strip()]
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(rows):
            handle.write(json.dumps({**source[i % len(source)], "id": f"t{i}"}) + "\n")
    return path


def overlay(traces: Path, where: Path) -> Path:
    config = {"study": {"teachers": ["r1"], "datasets": ["traces"]},
              "datasets": {"traces": {"source": "jsonl", "split": "train", "path": str(traces),
                                      "fields": {"id": "id", "question": "question", "answer": "gold"}}},
              "teachers": {"r1": {"source": "import", "format": "jsonl", "path": str(traces), "fields": FIELDS}}}
    where.write_text(yaml.safe_dump(config))
    return where


def check(workdir: Path, config: Path) -> float:
    began = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "styledistill.cli.check", "--configfile", str(config)],
                            cwd=workdir, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(result.stderr[-2000:])
    return time.perf_counter() - began


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=20_000)
    p.add_argument("--small", type=int, default=200)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp) / "wf"
        shutil.copytree(REPO, workdir, ignore=shutil.ignore_patterns(".git", ".venv*", "work", "results", ".snakemake",
                                                                      "logs", "benchmarks", "__pycache__"))
        rows = []
        for n in (args.small, args.rows):
            traces = trace_file(Path(tmp) / f"traces-{n}.jsonl", n)
            config = overlay(traces, Path(tmp) / f"overlay-{n}.yaml")
            cold = check(workdir, config)
            warm = check(workdir, config)
            rows.append((n, traces.stat().st_size / 1e6, cold, warm))
    print(f"\n{'rows':>8} {'MB':>8} {'cold (s)':>9} {'warm (s)':>9}")
    for n, mb, cold, warm in rows:
        print(f"{n:>8} {mb:>8.1f} {cold:>9.2f} {warm:>9.2f}")
    print(f"warm, {rows[1][0]} rows / {rows[0][0]} rows: {rows[1][3] / rows[0][3]:.2f}x")


if __name__ == "__main__":
    main()
