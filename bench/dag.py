"""How fast Snakemake plans the paper's study: experiments/paper.yaml with three teacher seeds (3 teachers x 8
variants x 3 families x 3 benchmarks). Prints, against the default config measured in the same run:

- the DAG build of `snakemake -n` on a fresh directory (goal < 10 s);
- a no-op rerun once every output exists (goal < 5 s): placeholder outputs are created in a temporary copy, the
  align checkpoint's included, until the dry run has nothing to do.

    python bench/dag.py
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from timing import best_of  # bench/timing.py (this directory is on sys.path when run as a script)

REPO = Path(__file__).resolve().parents[1]
SNAKEMAKE = str(Path(sys.executable).parent / "snakemake")
COPIED = ("Snakefile", "config.yaml", "workflow", "prompts", "recipes", "envs", "experiments", "profiles")
DIRECTORY_OUTPUTS = ("/model", "/plots", "/alignment", "/published")
SEEDS = (0, 1, 2)


def copy_workflow(dest: Path) -> Path:
    dest.mkdir(parents=True)
    for name in COPIED:
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, dest / name)
    (dest / "src").symlink_to(REPO / "src")
    return dest


def three_seeds(workdir: Path) -> list[str]:
    """The paper overlay plus one with its teacher three times, seeds 0, 1, 2: the arguments that select them."""
    paper = yaml.safe_load((workdir / "experiments" / "paper.yaml").read_text())
    teacher = paper["teachers"]["r1"]
    teachers = {f"r1_s{seed}": {**teacher, "generation": {**teacher["generation"], "seed": seed}} for seed in SEEDS}
    (workdir / "seeds.yaml").write_text(yaml.safe_dump({"teachers": teachers,
                                                        "study": {**paper["study"], "teachers": list(teachers)}}))
    return ["--configfile", "experiments/paper.yaml", "seeds.yaml"]


def snakemake(workdir: Path, *args: str) -> str:
    result = subprocess.run([SNAKEMAKE, *args], cwd=workdir, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"snakemake {' '.join(args)} failed:\n{result.stderr[-2000:]}")
    return result.stdout


def planned_outputs(workdir: Path, args: list[str]) -> list[str]:
    out = snakemake(workdir, "-n", *args)
    return [path.strip() for line in out.splitlines() if line.strip().startswith("output:")
            for path in line.split(":", 1)[1].split(",")]


def make_placeholder(path: Path, stamp: float) -> None:
    if str(path).endswith("/alignment"):
        path.mkdir(parents=True, exist_ok=True)
        (path / "problems-placeholder.json").write_text("[]")
        (path / "summary.json").write_text(json.dumps({"problems_file": "problems-placeholder.json",
                                                       "problem_ids": []}))
    elif str(path).endswith(DIRECTORY_OUTPUTS):
        path.mkdir(parents=True, exist_ok=True)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    os.utime(path, (stamp, stamp))


def fill(workdir: Path, args: list[str]) -> int:
    """Create every output the dry run plans, round after round (the checkpoint reveals more), all with one time
    stamp so none is newer than another; the number created."""
    stamp, created = time.time(), 0
    for _ in range(10):
        outputs = planned_outputs(workdir, args)
        if not outputs:
            return created
        for output in outputs:
            make_placeholder(workdir / output, stamp)
        created += len(outputs)
    raise SystemExit("the dry run still plans jobs after 10 rounds of placeholders")


def jobs(workdir: Path, args: list[str]) -> int:
    out = snakemake(workdir, "-n", "-q", "rules", *args)
    found = re.search(r"^total\s+(\d+)", out, re.MULTILINE)
    return int(found.group(1)) if found else 0


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        default = copy_workflow(Path(tmp) / "default")
        paper = copy_workflow(Path(tmp) / "paper")
        args = three_seeds(paper)
        base = best_of(3, lambda: snakemake(default, "-n", "-q"))
        fresh = best_of(3, lambda: snakemake(paper, "-n", "-q", *args))
        planned = jobs(paper, args)
        created = fill(paper, args)
        noop = best_of(3, lambda: snakemake(paper, "-n", "-q", *args))
        left = jobs(paper, args)
    print(f"default config, dry run (baseline):  {base:6.2f} s")
    print(f"paper x 3 seeds, fresh dry run:      {fresh:6.2f} s  ({fresh / base:.1f}x baseline; goal < 10 s)"
          f"  {planned} jobs before the checkpoint")
    print(f"paper x 3 seeds, no-op rerun:        {noop:6.2f} s  ({noop / base:.1f}x baseline; goal < 5 s)"
          f"  {created} placeholder outputs, {left} jobs left to run")


if __name__ == "__main__":
    main()
