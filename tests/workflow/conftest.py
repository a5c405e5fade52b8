"""Run Snakemake for real on copies of the workflow in temporary directories."""

from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO

WORKFLOW_FILES = ["Snakefile", "config.yaml", "workflow", "envs", "prompts", "recipes", "profiles", "experiments"]


def copy_workflow(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for name in WORKFLOW_FILES:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dest / name)
        elif src.exists():
            shutil.copy2(src, dest / name)
    # Jobs import styledistill from the copy's src/ (the Snakefile puts it on PYTHONPATH): link the real one.
    (dest / "src").symlink_to(REPO / "src")
    return dest


def snakemake(workdir: Path, *args: str, check: bool = True, timeout: int = 1800) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    cmd = [str(Path(sys.executable).parent / "snakemake"), *args]
    result = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True, env=env, timeout=timeout)
    if check and result.returncode != 0:
        logs = "\n".join(f"--- {p}\n{p.read_text()[-2000:]}" for p in sorted((workdir / "logs").rglob("*.log"))
                         if "rror" in p.read_text()) if (workdir / "logs").exists() else ""
        tail = f"{result.stdout[-3000:]}\n{result.stderr[-5000:]}\n{logs}"
        raise AssertionError(f"snakemake {' '.join(args)} failed:\n{tail}")
    return result


def planned_jobs(workdir: Path, *args: str) -> dict[str, int]:
    """Jobs a dry run would run, by rule (`snakemake -n -q host rules`); empty when nothing is to do."""
    out = snakemake(workdir, *args, "-n", "-q", "rules").stdout
    counts = {}
    for line in out.splitlines():
        match = re.match(r"^(\w+)\s+(\d+)$", line.strip())
        if match and match.group(1) != "total":
            counts[match.group(1)] = int(match.group(2))
    return counts


def executed_jobs(workdir: Path, *args: str) -> dict[str, int]:
    """Run the workflow for real; the jobs it ran, by rule, counted from Snakemake's log."""
    result = snakemake(workdir, "--cores", "2", *args)
    counts: dict[str, int] = {}
    for rule in re.findall(r"Finished jobid: \d+ \(Rule: (\w+)\)", result.stdout + result.stderr):
        counts[rule] = counts.get(rule, 0) + 1
    return counts


def planned_wildcards(workdir: Path, *args: str) -> list[tuple[str, str]]:
    """(rule, wildcards) of every job a dry run would run."""
    jobs: list[tuple[str, str]] = []
    for line in snakemake(workdir, "-n", *args).stdout.splitlines():
        line = line.strip()
        if match := re.match(r"^(?:local)?(?:rule|checkpoint) (\w+):$", line):  # a checkpoint is a job too
            jobs.append((match.group(1), ""))
        elif line.startswith("wildcards:") and jobs:
            jobs[-1] = (jobs[-1][0], line.removeprefix("wildcards:").strip())
    return jobs


def write_config(workdir: Path, config: dict) -> None:
    (workdir / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))


def default_config() -> dict:
    return copy.deepcopy(yaml.safe_load((REPO / "config.yaml").read_text()))


def model_teacher_config() -> dict:
    """The default config with the embedded model as its teacher (experiments/embedded_teacher.yaml)."""
    from tests.conftest import embedded_teacher_config

    return embedded_teacher_config()


@pytest.fixture()
def workdir(tmp_path: Path) -> Path:
    return copy_workflow(tmp_path / "wf")
