"""Recovery, as the README describes it: kill -9 Snakemake (and its jobs) in the middle of a run, `--unlock`, rerun
with `--rerun-incomplete`; no finished request is sent again. A second run on the same directory is refused."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.workflow.conftest import snakemake, write_config
from tests.workflow.tiny import tiny_config

pytestmark = pytest.mark.slow
TRACES = "results/traces/smol/tiny_train/traces.parquet"


def _start(workdir: Path, *args: str) -> subprocess.Popen:
    """Snakemake in its own process group (killing the group is what a crashed node does to it and its jobs)."""
    cmd = [str(Path(sys.executable).parent / "snakemake"), "--cores", "2", *args]
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.Popen(cmd, cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=env, start_new_session=True)


def finished_requests(workdir: Path) -> int:
    """Complete lines in the request store (a line cut by the kill does not count, as the store reads it)."""
    count = 0
    for segment in (workdir / "work" / "requests").rglob("*.jsonl"):
        for line in segment.read_text(encoding="utf-8").splitlines():
            try:
                json.loads(line)
                count += 1
            except json.JSONDecodeError:
                pass
    return count


def wait_for(predicate, timeout: float, what: str, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"snakemake ended before {what}:\n{proc.stdout.read()[-3000:]}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.5)


def _config(smollm2_dir: Path) -> dict:
    config = tiny_config(smollm2_dir)
    del config["study"]["baselines"]  # test_tiny_run.py runs it
    teacher = config["teachers"]["smol"]
    # small batches and one shard: requests are stored a few at a time, so the kill lands between them
    config["teachers"]["smol"] = {**teacher, "shards": 1, "n_samples": 2,
                                  "generation": {**teacher["generation"], "batch_size": 4}}
    return config


def test_kill_9_mid_run_then_unlock_and_rerun_incomplete_sends_nothing_twice(tmp_path, smollm2_dir):
    from tests.workflow.conftest import copy_workflow

    workdir = copy_workflow(tmp_path / "wf")
    config = _config(smollm2_dir)
    write_config(workdir, config)
    total = 8 * config["teachers"]["smol"]["n_samples"]  # easy_train.jsonl: 8 problems
    run = _start(workdir, TRACES)
    try:
        wait_for(lambda: finished_requests(workdir) >= 4, 600, "the first stored requests", run)
    finally:
        os.killpg(run.pid, signal.SIGKILL)
        run.wait()
    before = finished_requests(workdir)
    assert 4 <= before < total, "the kill must land in the middle of the teacher's generation"
    locked = snakemake(workdir, "--cores", "2", TRACES, check=False)
    assert locked.returncode != 0 and "cannot be locked" in locked.stdout + locked.stderr
    snakemake(workdir, "--unlock")
    snakemake(workdir, "--cores", "2", "--rerun-incomplete", TRACES)
    log = (workdir / "logs" / "generate_traces" / "smol" / "tiny_train" / "0.log").read_text()
    cached, generated = map(int, re.search(r"(\d+) cached, (\d+) to generate", log).groups())
    assert cached == before and cached + generated == total  # nothing finished was sent again
    assert finished_requests(workdir) == total


def test_a_second_run_on_the_same_directory_is_refused(tmp_path, smollm2_dir):
    from tests.workflow.conftest import copy_workflow

    workdir = copy_workflow(tmp_path / "wf")
    write_config(workdir, _config(smollm2_dir))
    first = _start(workdir, TRACES)
    try:
        wait_for(lambda: any((workdir / ".snakemake" / "locks").glob("*")), 120, "the first run's lock", first)
        # Snakemake looks for incomplete outputs before it takes the lock, so a plain second run stops at whichever
        # it meets first: the lock, or the running job's output marked incomplete.
        plain = snakemake(workdir, "--cores", "2", TRACES, check=False)
        assert plain.returncode != 0
        assert re.search(r"Directory cannot be locked|Incomplete files", plain.stdout + plain.stderr)
        # Following its advice (as the profiles do) skips that check; the lock still refuses the run.
        forced = snakemake(workdir, "--cores", "2", "--rerun-incomplete", TRACES, check=False)
        assert forced.returncode != 0
        assert "Directory cannot be locked" in forced.stdout + forced.stderr
        assert first.poll() is None  # the first run goes on untouched
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
