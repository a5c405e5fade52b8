"""The litellm backend against a local OpenAI-compatible server (real HTTP on 127.0.0.1; no network).

Faults are retried or recorded as specified; a kill -9 at random points never loses a finished request nor sends
one twice; the budget cap stops before it is exceeded; an API key never reaches a file.
"""

from __future__ import annotations

import importlib.util
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from styledistill.generation.store import RequestStore
from tests.cli import fixtures
from tests.conftest import REPO
from tests.fakes.openai_server import FakeOpenAI

if importlib.util.find_spec("litellm") is None or importlib.util.find_spec("tenacity") is None:
    pytest.skip("the api extra (litellm, tenacity) is not installed", allow_module_level=True)

PROMPT = str(REPO / "prompts" / "teacher.yaml")
FAST = {"backend": "litellm", "model": "openai/fake-teacher", "timeout": 1.0, "max_retries": 3, "retry_wait": 0.01,
        "max_new_tokens": 32, "temperature": 0.7}


def _generator(spec: dict, store: Path):
    """How a job with this flat test spec generates, with its requests stored under `store`."""
    from styledistill.generation.generator import Generator
    from styledistill.generation.settings import job_generation

    return Generator(None, *job_generation(fixtures.trace_job(spec)), store, 0)


def _cli(spec: dict, problems: Path, out: Path, store: Path, *extra: str) -> list[str]:
    job = fixtures.trace_job(spec)
    return [sys.executable, "-m", "styledistill.cli.generate_traces", "generate", "--spec", json.dumps(job),
            "--problems",
            str(problems), "--prompt", PROMPT, "--store", str(store), "--out", str(out), *extra]


def _store_keys(store: Path) -> set[str]:
    keys: set[str] = set()
    for identity in store.iterdir() if store.exists() else []:
        keys |= set(RequestStore(identity)._done)
    return keys


def _store_records(store: Path) -> list[dict]:
    records = []
    for segment in store.rglob("*.jsonl"):
        for line in segment.read_text().splitlines(keepends=True):
            if line.endswith("\n"):
                records.append(json.loads(line))
    return records


# Both routes of the backend (senders.py): the error names are each library's own.
SDKS = pytest.mark.parametrize("sdk, unavailable", [("openai", "InternalServerError"),
                                                    ("litellm", "ServiceUnavailableError")])


@SDKS
def test_each_fault_is_retried_or_recorded(tmp_path, sdk, unavailable):
    script = {
        "[429-retry-after]": ["429:1"], "[429]": ["429"], "[5xx]": ["500", "503"], "[hang]": ["hang:4"],
        "[malformed]": ["malformed", "no_choices"], "[drop]": ["drop"], "[empty]": ["empty"],
        "[no-reasoning]": ["no_reasoning"], "[think-tags]": ["think_tags"], "[length]": ["length"],
        "[400]": ["400"], "[always-503]": ["503"] * 10, "[ok]": [],
    }
    chats = [(tag, [{"role": "user", "content": f"{tag} What is 2 + 2?"}]) for tag in script]
    with FakeOpenAI(script=script) as server:
        spec = {**FAST, "api_base": server.url, "max_failure_rate": 0.5, "sdk": sdk}
        start = time.time()
        done = {c.tag: c.response for c in _generator(spec, tmp_path / "store").complete(
                    chats, 1, failures_out=tmp_path / "t.failures.jsonl")}
        elapsed = time.time() - start
        hits = {tag: server.hits[f"{tag} What is 2 + 2?"] for tag in script}
        first, second = [t for t, key, _ in server.log if key.startswith("[429-retry-after]")]
    expected_hits = {"[429-retry-after]": 2, "[429]": 2, "[5xx]": 3, "[hang]": 2, "[malformed]": 3, "[drop]": 2,
                     "[empty]": 1, "[no-reasoning]": 1, "[think-tags]": 1, "[length]": 1, "[400]": 1,
                     "[always-503]": 4, "[ok]": 1}
    assert hits == expected_hits
    assert second - first >= 0.95, "Retry-After: 1 not honoured"
    assert elapsed < 15
    failures = {json.loads(line)["tag"]: json.loads(line)
                for line in (tmp_path / "t.failures.jsonl").read_text().splitlines()}
    assert set(failures) == {"[400]", "[always-503]"}
    assert failures["[400]"]["error_type"] == "BadRequestError" and failures["[400]"]["attempts"] == 1
    assert failures["[always-503]"]["error_type"] == unavailable
    assert failures["[always-503]"]["attempts"] == 4
    assert set(done) == set(script) - set(failures)
    assert done["[empty]"].text == "" and done["[empty]"].finish_reason == "stop"  # kept, not a failure
    assert done["[length]"].finish_reason == "length"
    assert done["[no-reasoning]"].reasoning_content is None and "boxed" in done["[no-reasoning]"].text
    assert done["[ok]"].reasoning_content.startswith("Let me think")  # the API's separate reasoning field
    assert done["[think-tags]"].reasoning_content.startswith("Let me think")  # split from the content
    assert all(r.n_prompt_tokens > 0 and r.cost_usd is None for r in done.values())  # unknown model, no prices


def test_rerun_sends_only_failed_requests(tmp_path):
    chats = [(tag, [{"role": "user", "content": tag}]) for tag in ("[a]", "[b]", "[bad]")]
    with FakeOpenAI(script={"[bad]": ["400"]}) as server:
        spec = {**FAST, "api_base": server.url, "max_failure_rate": 0.5}
        assert len(_generator(spec, tmp_path).complete(chats, 2, None)) == 5  # [bad] sample 0 or 1 failed
        assert len(_generator(spec, tmp_path).complete(chats, 2, None)) == 6
        assert server.hits == {"[a]": 2, "[b]": 2, "[bad]": 3}


@SDKS
def test_concurrency_limit_and_vllm_reasoning_field(tmp_path, sdk, unavailable):
    chats = [(f"[c{i}]", [{"role": "user", "content": f"[c{i}]"}]) for i in range(12)]
    with FakeOpenAI(delay=0.15, reasoning_field="reasoning") as server:  # vLLM 0.32 names the field `reasoning`
        spec = {**FAST, "model": "hosted_vllm/fake", "api_base": server.url, "max_concurrency": 3, "sdk": sdk}
        done = _generator(spec, tmp_path).complete(chats, 1, None)
        assert server.max_in_flight == 3
    assert len(done) == 12 and all(c.response.reasoning_content for c in done)


def test_hundreds_of_threads_send_each_request_once_and_get_its_own_answer(tmp_path):
    """The OpenAI SDK route at high concurrency: one client per thread, no shared pool to close a connection under a
    request (encode/httpcore#1110), so no attempt fails and no answer lands on another request."""
    chats = [(f"[m{i}]", [{"role": "user", "content": f"[m{i}] What is {i} + {i}?"}]) for i in range(600)]
    with FakeOpenAI(delay=0.5) as server:  # long enough for the threads to overlap on a loaded machine
        spec = {**FAST, "api_base": server.url, "max_concurrency": 200, "timeout": 60}
        done = _generator(spec, tmp_path).complete(chats, 1, None)
        assert server.max_in_flight >= 64
        assert len(server.hits) == 600 and set(server.hits.values()) == {1}
    assert len(done) == 600 and all(c.tag in c.response.reasoning_content for c in done)


def test_cli_model_argument_depends_on_backend(tmp_path):
    problems = fixtures.numbered_problems(tmp_path / "problems.parquet", 2)
    spec = {**FAST, "api_base": "http://127.0.0.1:9/v1"}
    result = subprocess.run(_cli(spec, problems, tmp_path / "t.parquet", tmp_path / "s", "--model", str(tmp_path)),
                            capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].startswith("error: --model: backend litellm takes no model")
    spec = {"backend": "transformers"}
    result = subprocess.run(_cli(spec, problems, tmp_path / "t.parquet", tmp_path / "s"), capture_output=True,
                            text=True, cwd=REPO)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == \
        "error: --model: backend transformers needs a prepared model directory"


def test_budget_cap_stops_before_it_is_exceeded(tmp_path):
    problems = fixtures.numbered_problems(tmp_path / "problems.parquet", 20)
    store, out = tmp_path / "store", tmp_path / "traces.parquet"
    prices = {"input_per_1m": 100.0, "output_per_1m": 1000.0}
    with FakeOpenAI(delay=0.02) as server:
        spec = {**FAST, "api_base": server.url, "max_concurrency": 3, "max_new_tokens": 50, "prices": prices,
                "budget_usd": 0.2}
        result = subprocess.run(_cli(spec, problems, out, store), capture_output=True, text=True, cwd=REPO)
        last = result.stderr.strip().splitlines()[-1]
        assert result.returncode == 3, result.stderr[-2000:]
        match = re.search(r"spent \$([\d.]+) of cap \$([\d.]+); (\d+) requests not sent", last)
        assert match, last
        spent, cap, not_sent = float(match[1]), float(match[2]), int(match[3])
        records = _store_records(store)
        assert cap == 0.2 and spent <= cap and not out.exists()
        assert 0 < len(records) < 20 and len(records) + not_sent == 20
        assert spent == pytest.approx(sum(r["cost_usd"] for r in records), abs=1e-4)
        # It stopped only because the next request's worst case (~60 prompt tokens, 50 output tokens) did not fit.
        assert cap - spent < 60 * 100e-6 + 50 * 1000e-6
        assert server.total_hits == len(records)  # nothing failed, nothing sent twice
        # A higher cap finishes the rest; the finished ones are not paid again.
        spec["budget_usd"] = 5.0
        subprocess.run(_cli(spec, problems, out, store), capture_output=True, text=True, cwd=REPO, check=True)
        assert server.total_hits == 20 and set(server.hits.values()) == {1}
    traces = pd.read_parquet(out)
    assert len(traces) == 20 and (traces["cost_usd"] > 0).all() and not traces["empty"].any()


def test_canary_key_reaches_no_file(tmp_path):
    canary = "sk-canary-" + os.urandom(12).hex()
    problems = fixtures.numbered_problems(tmp_path / "data" / "problems.parquet", 6)
    env = {**os.environ, "STYLEDISTILL_CANARY_KEY": canary}
    (tmp_path / "logs").mkdir()
    script = {"[q0001]": ["401_echo"], "[q0002]": ["429", "500"], "[q0003]": ["hang:3"]}
    with FakeOpenAI(script=script) as server:
        spec = {**FAST, "api_base": server.url, "api_key_env": "STYLEDISTILL_CANARY_KEY", "max_failure_rate": 0.5}
        argv = _cli(spec, problems, Path("results/traces/t/d/traces.parquet"), Path("work/requests"))
        with open(tmp_path / "logs" / "generate_traces.log", "w") as log:
            subprocess.run(argv, stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path, env=env, check=True)
        assert server.authorization[f"Bearer {canary}"] == server.total_hits  # the key was really used
    log_text = (tmp_path / "logs" / "generate_traces.log").read_text()
    assert "AuthenticationError" in log_text and "[redacted]" in log_text  # the echoed key was there, scrubbed
    failures = (tmp_path / "results/traces/t/d/traces.failures.jsonl").read_text()
    assert "AuthenticationError" in failures
    fragments = {canary[i:i + 12] for i in range(len(canary) - 11)}
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) >= 5
    for path in files:
        data = path.read_bytes().decode("utf-8", errors="replace")
        assert not any(f in data for f in fragments), f"{path} holds (part of) the API key"


@pytest.mark.slow  # 40 s: kills and restarts the job many times
def test_kill_9_at_random_points_never_loses_or_repays(tmp_path):
    """kill -9 the CLI at >= 10 random points (seeded), restart each time, then count the server's hits.

    A request is *in flight at kill i* if the server had received it but the store did not hold it when the process
    died. Asserted: no finished request is lost (the finished set only grows), and a request is sent exactly
    1 + (number of kills it was in flight at) times; in particular, never again once finished.
    """
    # Kill targets (new server hits before each kill) come from a seeded generator of their own; 12 kills of at most
    # 12 hits each stay below the 150 hits a full run needs, so every kill lands mid-run.
    n, kills_wanted, rng, jitter = 150, 12, random.Random(20250), random.Random(7)
    problems = fixtures.numbered_problems(tmp_path / "problems.parquet", n)
    store, out = tmp_path / "store", tmp_path / "traces.parquet"
    snapshots: list[tuple[set[str], dict[str, int]]] = []  # (finished keys, server hits) after each kill
    runs = 0
    with FakeOpenAI(delay=0.04) as server:
        spec = {**FAST, "api_base": server.url, "max_concurrency": 4}
        argv = _cli(spec, problems, out, store)
        while True:
            runs += 1
            proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO)
            if len(snapshots) < kills_wanted:
                target = server.total_hits + rng.randint(1, 12)
                deadline = time.time() + 120
                while proc.poll() is None and server.total_hits < target and time.time() < deadline:
                    time.sleep(0.002)
                    if jitter.random() < 0.002:  # now and then a little later, mid-answer
                        time.sleep(jitter.uniform(0, 0.04))
                if proc.poll() is None:
                    os.kill(proc.pid, signal.SIGKILL)
                    proc.wait()
                    time.sleep(0.3)  # let the server count what reached it before the kill
                    snapshots.append((_store_keys(store), server.snapshot()))
                    continue
            assert proc.wait(timeout=120) == 0, "the final run failed"
            break
        final_hits = server.snapshot()
    assert len(snapshots) >= 10
    traces = pd.read_parquet(out)
    assert len(traces) == n
    content = dict(zip(traces["request_key"], traces["question"]))
    final_keys = _store_keys(store)
    assert len(final_keys) == n
    in_flight_at = {q: 0 for q in content.values()}
    before: dict[str, int] = {}
    for i, (finished, hits) in enumerate(snapshots):
        later = snapshots[i + 1][0] if i + 1 < len(snapshots) else final_keys
        assert finished <= later, f"finished requests lost after kill {i}"
        finished_q = {content[k] for k in finished}
        for q, count in hits.items():  # sent during run i and not stored when it died
            if count > before.get(q, 0) and q not in finished_q:
                in_flight_at[q] += 1
        for q in finished_q:
            assert final_hits[q] == hits[q], f"{q!r} was sent again after it finished"
        before = hits
    resent = {q: final_hits[q] - 1 for q in content.values() if final_hits[q] > 1}
    wrong = {q: (final_hits[q], in_flight_at[q]) for q in content.values() if final_hits[q] != 1 + in_flight_at[q]}
    assert not wrong, f"(hits, times in flight at a kill) of requests sent other than 1 + times in flight: {wrong}"
    print(f"\nkill test: {len(snapshots)} kills over {runs} runs, {n} requests, {sum(final_hits.values())} sent; "
          f"re-sent {len(resent)} request(s) {sum(resent.values())} time(s), all in flight at a kill; "
          f"in flight at kills: {sum(in_flight_at.values())}; finished requests sent twice: 0; lost: 0")


def test_decoding_controls_reach_the_server_and_enter_the_key(tmp_path):
    """presence_penalty as OpenAI's parameter; top_k, min_p and repetition_penalty in the body for servers that read
    them (vLLM's OpenAI server does); a control that is on makes another request, one left off keeps the old key."""
    chats = [("c", [{"role": "user", "content": "[controls] What is 2 + 2?"}])]
    with FakeOpenAI() as server:
        plain = {**FAST, "api_base": server.url}
        _generator(plain, tmp_path / "store").complete(chats, 1, failures_out=tmp_path / "f.jsonl")
        controlled = {**plain, "top_k": 20, "min_p": 0.05, "repetition_penalty": 1.1, "presence_penalty": 0.5}
        _generator(controlled, tmp_path / "store").complete(chats, 1, failures_out=tmp_path / "f.jsonl")
        _generator(controlled, tmp_path / "store").complete(chats, 1, failures_out=tmp_path / "f.jsonl")
        bodies = list(server.bodies)
    assert len(bodies) == 2  # the rerun of each was served from the store
    assert not {"top_k", "min_p", "repetition_penalty", "presence_penalty"} & set(bodies[0])
    assert {k: bodies[1][k] for k in ("top_k", "min_p", "repetition_penalty", "presence_penalty")} == {
        "top_k": 20, "min_p": 0.05, "repetition_penalty": 1.1, "presence_penalty": 0.5}


def test_an_answer_from_another_model_than_expect_model_fails_the_job_in_one_line(tmp_path):
    """The model each answer names is stored and kept in the traces; expect_model (a pattern) turns a mismatch into a
    job failure, on the run that received the answers and on every rerun that reads them from the store."""
    problems = fixtures.numbered_problems(tmp_path / "problems.parquet", 3)
    with FakeOpenAI() as server:
        server.served_model = "deepseek-v3.2-thinking"
        spec = {**FAST, "api_base": server.url, "model": "openai/deepseek-reasoner", "expect_model": "DeepSeek-R1.*"}
        job = fixtures.trace_job(spec)
        cmd = [sys.executable, "-m", "styledistill.cli.generate_traces", "generate", "--spec", json.dumps(job),
               "--problems", str(problems), "--prompt", PROMPT, "--store", str(tmp_path / "store"),
               "--out", str(tmp_path / "traces.parquet")]
        for _ in range(2):  # received, then read from the store: the same refusal
            result = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
            assert result.returncode == 3 and not (tmp_path / "traces.parquet").exists()
            assert result.stderr.strip().splitlines()[-1] == (
                "error: openai/deepseek-reasoner: 3 answer(s) served by 'deepseek-v3.2-thinking' (3), not "
                "expect_model 'DeepSeek-R1.*' (the answers are stored; change expect_model to accept them, or the "
                "model entry to send elsewhere)")
        assert server.total_hits == 3
        job["provider"]["expect_model"] = "deepseek-v3\\.2.*"
        cmd[cmd.index("--spec") + 1] = json.dumps(job)
        assert subprocess.run(cmd, capture_output=True, text=True, cwd=REPO).returncode == 0
        assert server.total_hits == 3
    traces = pd.read_parquet(tmp_path / "traces.parquet")
    assert set(traces["served_model"]) == {"deepseek-v3.2-thinking"}
    assert {r["system_fingerprint"] for r in _store_records(tmp_path / "store")} == {"fp_fake"}


def test_stop_strings_and_reasoning_effort_reach_the_server_as_openai_parameters(tmp_path):
    """stop and reasoning_effort (an API reasoning control) are OpenAI's own parameters; each is part of the key."""
    chats = [("c", [{"role": "user", "content": "[controls] What is 3 + 3?"}])]
    with FakeOpenAI() as server:
        spec = {**FAST, "api_base": server.url, "stop": ["</think>"], "reasoning_effort": "high"}
        _generator(spec, tmp_path / "store").complete(chats, 1, failures_out=tmp_path / "f.jsonl")
        _generator({**spec, "reasoning_effort": "low"}, tmp_path / "store").complete(chats, 1, None)
        bodies = list(server.bodies)
    assert [(b["stop"], b["reasoning_effort"]) for b in bodies] == [(["</think>"], "high"), (["</think>"], "low")]
