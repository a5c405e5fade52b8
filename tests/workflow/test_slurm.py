"""The tiny study on a real single-node SLURM cluster (scripts/slurm-local.sh: slurm-wlm and munge, fake GPUs as
generic resources) through profiles/slurm: killed (-9) once and recovered as the README says, then every job an
sbatch job, the training job asking for a GPU, one deliberately broken benchmark that fails while the rest of the
DAG goes on (--keep-going). The cluster is torn down afterwards, whatever happens."""

from __future__ import annotations

import getpass
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from styledistill.config.resources import DEFAULTS
from tests.slurm_cluster import SlurmUnavailable, local_slurm, short_state_dir, skip_reason
from tests.workflow.conftest import copy_workflow, write_config
from tests.workflow.test_recovery import TRACES, finished_requests, wait_for
from tests.workflow.tiny import tiny_config

pytestmark = [pytest.mark.slow, pytest.mark.slurm]


def _config(smollm2_dir: Path, broken: Path) -> dict:
    config = tiny_config(smollm2_dir)
    config["study"].update(variants=["ST"], families=["tllama"], benchmarks=["tiny_test", "broken"],
                           seeds=[0])
    del config["study"]["seed_variants"]  # the tiny study's extra seeds and its prompted baseline: test_tiny_run.py
    del config["study"]["baselines"]
    teacher = config["teachers"]["smol"]
    # one shard, small batches: answers are stored a few at a time, so a kill lands between them
    config["teachers"]["smol"] = {**teacher, "shards": 1, "n_samples": 2,
                                  "generation": {**teacher["generation"], "batch_size": 4}}
    # a benchmark whose second row has no question: its make_problems job fails at run time (one line, no output)
    broken.write_text('{"id": "b1", "problem": "What is 1 + 1?", "answer": "2"}\n'
                      '{"id": "b2", "problem": "", "answer": "3"}\n')
    config["datasets"]["broken"] = {"source": "jsonl", "split": "test", "path": str(broken),
                                    "fields": {"id": "id", "question": "problem", "answer": "answer"}}
    config["benchmarks"]["broken"] = {"dataset": "broken", "n_samples": 1}
    # training problems are checked against tiny_test only: a benchmark that cannot be read would hold every teacher
    # back (nothing trains on data that was not checked), where this test wants its failure to stop its jobs alone
    config["decontaminate"] = {"benchmarks": ["tiny_test"]}
    # this machine is the cluster's only node: every job asks for what it has (the defaults are a GPU node's)
    config["resources"] = {"rules": {rule: {"mem_mb": 2000, "runtime": 30} for rule in DEFAULTS}}
    return config


def test_the_tiny_study_runs_on_slurm_recovers_from_kill_9_and_a_failed_job_does_not_stop_the_rest(
        tmp_path, smollm2_dir):
    reason = skip_reason()
    if reason:
        pytest.skip(reason)
    workdir = copy_workflow(tmp_path / "wf")
    config = _config(smollm2_dir, tmp_path / "broken.jsonl")
    total = 8 * config["teachers"]["smol"]["n_samples"]
    write_config(workdir, config)
    snakemake = str(Path(sys.executable).parent / "snakemake")
    try:
        with short_state_dir() as state, local_slurm(state) as cluster:
            env = {**cluster.env, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{cluster.env['PATH']}"}
            # the GPU request of training is a per-rule override of the profile's, no rule edited
            command = [snakemake, *cluster.profile_args(), "--set-resources", "train_sft:gpu=1", "train_sft:nodes=1",
                       "--retries", "0"]
            # 1. kill -9 Snakemake while the teacher's SLURM job is storing answers; cancel what it left running
            # (that run targets the teacher's traces: no other job generates, so every stored answer is the teacher's)
            killed = subprocess.Popen([*command, TRACES], cwd=workdir, env=env, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL, start_new_session=True)
            try:
                wait_for(lambda: finished_requests(workdir) >= 4, 900, "the teacher's first answers", killed)
            finally:
                os.killpg(killed.pid, signal.SIGKILL)
                killed.wait()
            cluster.run("scancel", "--user", getpass.getuser())
            wait_for(lambda: not [j for j in cluster.jobs() if j["state"] in ("RUNNING", "PENDING", "COMPLETING")],
                     120, "the cancelled jobs to end")
            before = finished_requests(workdir)
            assert 4 <= before < total
            # 2. the README's recovery: unlock, rerun (the profile reruns incomplete jobs)
            subprocess.run([snakemake, "--unlock"], cwd=workdir, env=env, check=True, capture_output=True)
            run = subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True, timeout=2400)
            jobs = cluster.jobs()
            training = [cluster.job_info(job["id"]) for job in jobs if job["comment"].startswith("rule_train_sft")]
    except SlurmUnavailable as exc:
        pytest.skip(exc.reason)
    log = (workdir / "logs" / "generate_traces" / "smol" / "tiny_train" / "0.log").read_text()
    cached, generated = map(int, re.search(r"(\d+) cached, (\d+) to generate", log).groups())
    assert cached == before and cached + generated == total  # no finished request was sent again
    out = run.stdout + run.stderr
    assert run.returncode != 0, "the broken benchmark must fail the run"
    assert "Error in rule make_problems" in out and "broken" in out
    assert "fields.question" in (workdir / "logs" / "make_problems" / "broken.log").read_text() or \
        "must be non-empty text" in (workdir / "logs" / "make_problems" / "broken.log").read_text()
    assert not (workdir / "results" / "problems" / "broken" / "problems.parquet").exists()
    # everything that does not need the broken benchmark ran, as SLURM jobs
    for path in ("results/eval/tllama/base/tiny_test/scores.json",
                 "results/eval/tllama/smol/tiny_train/ST/seed-0/tiny_test/scores.json",
                 "results/style/tllama/smol/tiny_train/ST/seed-0/tiny_test/style.json",
                 "results/variants/smol/tiny_train/comparison.md"):
        assert (workdir / path).exists(), path
    assert not (workdir / "results" / "summary" / "scores.md").exists()  # the report needs every benchmark
    states = {job["comment"].split("_wildcards")[0]: job["state"] for job in jobs}
    assert states.get("rule_make_problems") in ("FAILED", "COMPLETED")  # two make_problems jobs: one failed
    assert any(job["state"] == "FAILED" for job in jobs if job["comment"].startswith("rule_make_problems"))
    assert len(training) == 1 and all(info["JobState"] == "COMPLETED" for info in training)
    for info in training:  # one task holding its GPU (torchrun starts one process per GPU itself)
        assert "gpu" in info.get("JOB_GRES", "") + info.get("TresPerJob", "") + info.get("TRES", ""), info
        assert info["NumTasks"] == "1"
