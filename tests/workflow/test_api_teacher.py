"""An API teacher through Snakemake: litellm against a local OpenAI-compatible server; the key stays secret."""

from __future__ import annotations

import importlib.util
import os
import re

import pandas as pd
import pytest

from tests.fakes.openai_server import FakeOpenAI
from tests.workflow.conftest import copy_workflow, planned_jobs, snakemake, write_config
from tests.workflow.tiny import DATA

if importlib.util.find_spec("litellm") is None:
    pytest.skip("the api extra (litellm) is not installed", allow_module_level=True)

CANARY = "sk-canary-0123456789abcdefghij"


def _config(url: str) -> dict:
    fields = {"id": "id", "question": "problem", "answer": "answer"}
    return {
        "study": {"teachers": ["remote"], "datasets": ["easy"], "variants": ["ST"], "families": ["none"],
                  "benchmarks": ["easy"]},
        "models": {"fake": {"source": "api", "provider": "openai/fake-r1", "api_base": url,
                            "api_key_env": "STYLEDISTILL_TEST_KEY",
                            "prices": {"input_per_1m": 1.0, "output_per_1m": 2.0}},
                   "local": {"source": "hf", "path": "unused"}},
        "datasets": {"easy": {"source": "jsonl", "split": "train", "path": str(DATA / "easy_train.jsonl"),
                              "fields": fields},
                     "easy_test": {"source": "jsonl", "split": "test", "path": str(DATA / "easy_test.jsonl"),
                                   "fields": fields}},
        "teachers": {"remote": {"model": "fake", "prompt": "prompts/teacher.yaml", "n_samples": 2,
                                "generation": {"backend": "litellm", "max_new_tokens": 64, "temperature": 0.6,
                                               "max_concurrency": 2, "timeout": 5, "retry_wait": 0.01,
                                               "budget_usd": 1.0}}},
        "variants": {"ST": {"kind": "st"}},
        "families": {"none": {"model": "local", "recipe": "recipes/sft/tiny.yaml"}},
        "benchmarks": {"easy": {"dataset": "easy_test"}},
    }


@pytest.mark.slow  # runs the workflow for real
def test_api_teacher_runs_resumes_and_keeps_the_key_secret(tmp_path, monkeypatch):
    workdir = copy_workflow(tmp_path / "wf")
    target = "results/traces/remote/easy/graded.parquet"
    monkeypatch.setenv("STYLEDISTILL_TEST_KEY", CANARY)
    with FakeOpenAI(script={"What is 2 + 3?": ["429:0", "500"]}) as server:
        write_config(workdir, _config(server.url))
        snakemake(workdir, "--cores", "2", target)
        traces = pd.read_parquet(workdir / target)
        assert len(traces) == 16 and traces["cost_usd"].gt(0).all()
        assert server.total_hits == 16 + 2  # two faults retried, nothing else sent twice
        assert planned_jobs(workdir, target) == {}
        # Invalidate the job (a new setting): it reruns, but every request comes from the store.
        config = _config(server.url)
        config["teachers"]["remote"]["limit"] = 8
        write_config(workdir, config)
        snakemake(workdir, "--cores", "2", target)
        assert server.total_hits == 18
    snakemake(workdir, "--report", "report.html", target)
    assert (workdir / "report.html").stat().st_size > 10_000
    leaks = [p for p in workdir.rglob("*") if p.is_file() and not p.is_symlink()
             and CANARY[:12].encode() in p.read_bytes()]
    assert leaks == []
    assert os.environ["STYLEDISTILL_TEST_KEY"] == CANARY


def _sum_answer(question: str) -> str:
    """A teacher that gets the tiny sums right ("What is 2 + 3?"), so ST is not empty."""
    match = re.search(r"(\d+) \+ (\d+)", question)
    return str(int(match.group(1)) + int(match.group(2))) if match else "42"


@pytest.mark.slow  # runs the workflow for real
def test_an_api_generator_writes_a_synthetic_variant(tmp_path, monkeypatch):
    workdir = copy_workflow(tmp_path / "wf")
    target = "results/variants/remote/easy/raw/ST-HC.parquet"
    monkeypatch.setenv("STYLEDISTILL_TEST_KEY", CANARY)
    with FakeOpenAI(answer=_sum_answer) as server:
        config = _config(server.url)
        config["study"]["variants"] = ["ST", "ST-HC"]
        config["generators"] = {"api": {"model": "fake", "answer_check": "enforce",
                                        "generation": {"backend": "litellm", "max_new_tokens": 64, "timeout": 5,
                                                       "budget_usd": 1.0}}}
        # The fake writes the same canned reasoning for teacher and generator: no style to check here.
        config["variants"]["ST-HC"] = {"kind": "synthetic", "generator": "api", "prompt": "prompts/synthetic_hc.yaml",
                                       "style_check": None}
        write_config(workdir, config)
        snakemake(workdir, "--cores", "2", target)
        examples = pd.read_parquet(workdir / target)
        st = pd.read_parquet(workdir / "results/st/remote/easy/st.parquet")
        assert len(examples) == len(st) > 0 and (examples["status"] == "ok").all()
        assert examples["reasoning"].str.contains("Let me think").all()  # the server's reasoning field
        assert server.total_hits == 16 + len(st)  # teacher requests, then one per ST problem
    assert not [p for p in workdir.rglob("*") if p.is_file() and not p.is_symlink()
                and CANARY[:12].encode() in p.read_bytes()]
