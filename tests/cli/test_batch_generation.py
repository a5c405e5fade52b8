"""Backend batch (OpenAI's Batch API) against the local fake server's Files and Batches endpoints (real HTTP, the
real OpenAI SDK): faults inside and around a batch are resubmitted or recorded, a kill -9 between submitting and
downloading never submits twice, costs are at the batch price, the budget cap holds."""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from styledistill.errors import IncompleteRun
from styledistill.generation.api.batch_journal import JOURNAL
from styledistill.generation.store import RequestStore
from tests.cli import fixtures
from tests.conftest import REPO
from tests.fakes.openai_server import FakeOpenAI

if importlib.util.find_spec("openai") is None:
    pytest.skip("the api extra (openai) is not installed", allow_module_level=True)

PRICES = {"input_per_1m": 2.0, "output_per_1m": 8.0}
BATCH = {"backend": "batch", "model": "openai/fake-batch", "poll_seconds": 0.02, "max_retries": 2,
         "max_new_tokens": 32, "temperature": 0.7, "prices": PRICES}


def _generator(spec: dict, store: Path):
    from styledistill.generation.generator import Generator
    from styledistill.generation.settings import job_generation

    return Generator(None, *job_generation(fixtures.trace_job(spec)), store, 0)


def _chats(n: int, tag: str = "") -> list[tuple[str, list[dict[str, str]]]]:
    return [(f"p{i}", [{"role": "user", "content": f"[q{i}]{tag} What is {i} + {i}?"}]) for i in range(n)]


def _records(store: Path) -> list[dict]:
    return [json.loads(line) for segment in store.rglob("*.jsonl") for line in segment.read_text().splitlines()]


def test_faults_in_a_batch_are_resubmitted_and_the_rest_never_twice(tmp_path):
    """An expired batch (half answered), a line in the error file, a 500 line, an omitted line and an unreadable
    line: all resubmitted in the next batch, each finished request sent once; one that stays unreadable becomes a
    failure after max_retries rounds, which a rerun sends again (alone)."""
    script = {"[q1]": ["batch_error"], "[q2]": ["500"], "[q3]": ["batch_omit"], "[q4]": ["batch_malformed"],
              "[q5]": ["batch_malformed"] * 2}
    with FakeOpenAI(script=script) as server:
        server.batch_faults = ["expire"]
        spec = {**BATCH, "api_base": server.url, "max_failure_rate": 0.2}
        done = _generator(spec, tmp_path / "store").complete(_chats(10), 1, tmp_path / "f.jsonl")
        assert sorted(c.tag for c in done) == [f"p{i}" for i in range(10) if i != 5]
        statuses = [b["status"] for b in server.batches.values()]
        assert statuses == ["expired", "completed", "completed"]  # the first, then two rounds of resubmission
        # the expired batch answered its first half only: p1-p4 hit twice (their fault, then ok), p0 once; p5-p9
        # reached the server in the second batch (p6-p9 answered once); p5 unreadable in the second and third
        hits = {k.split("]")[0] + "]": v for k, v in server.hits.items()}
        assert hits == {"[q0]": 1, "[q1]": 2, "[q2]": 2, "[q3]": 2, "[q4]": 2, "[q5]": 2, "[q6]": 1, "[q7]": 1,
                        "[q8]": 1, "[q9]": 1}
        failures = [json.loads(line) for line in (tmp_path / "f.jsonl").read_text().splitlines()]
        assert [(f["tag"], f["error_type"], f["attempts"]) for f in failures] == [("p5", "BatchEntryFailed", 3)]
        before = len(server.batches)
        again = _generator(spec, tmp_path / "store").complete(_chats(10), 1, tmp_path / "f.jsonl")
        assert len(again) == 10 and len(server.batches) == before + 1
        last = server.files[list(server.batches.values())[-1]["input_file_id"]].decode().splitlines()
        assert len(last) == 1 and "[q5]" in last[0]  # only the failed request went out again
    # the cost is the batch price: half the prices, from each answer's usage
    for record in _records(tmp_path / "store"):
        usage = (record["n_prompt_tokens"] * 2.0 + record["n_completion_tokens"] * 8.0) / 1e6
        assert record["cost_usd"] == pytest.approx(usage * 0.5)


def test_a_failed_batch_and_a_budget_cap(tmp_path):
    """A failed batch has every entry resubmitted; a cap below a batch's worst case submits nothing."""
    with FakeOpenAI() as server:
        server.batch_faults = ["fail"]
        spec = {**BATCH, "api_base": server.url}
        done = _generator(spec, tmp_path / "store").complete(_chats(4), 1, None)
        assert len(done) == 4 and [b["status"] for b in server.batches.values()] == ["failed", "completed"]
        poor = {**spec, "budget_usd": 1e-6}
        with pytest.raises(IncompleteRun, match="budget cap reached: spent \\$0.0000 of cap"):
            _generator(poor, tmp_path / "store2").complete(_chats(4, " new"), 1, None)
        assert len(server.batches) == 2


def test_an_upload_without_its_batch_is_submitted_from_the_same_file(tmp_path):
    """A kill between uploading the input file and creating the batch: the rerun finds no batch for the file and
    creates one from it (no second upload); after creating the batch, it adopts that batch (no second batch)."""
    from openai import OpenAI

    from styledistill.generation.api.batch import request_line
    from styledistill.generation.api.batch_journal import BatchJournal

    with FakeOpenAI() as server:
        spec = {**BATCH, "api_base": server.url}
        generator = _generator(spec, tmp_path / "store")
        chats = _chats(3)
        with generator.session() as session:
            requests = [session.request(tag, m, 0, generator.settings.sampling()) for tag, m in chats]
            directory = session.store.directory
        client = OpenAI(api_key="no-key", base_url=server.url)
        data = "".join(request_line(r, "fake-batch") + "\n" for r in requests).encode()
        uploaded = client.files.create(file=("requests.jsonl", data), purpose="batch")
        BatchJournal.open(directory).write(event="upload", file_id=uploaded.id, keys=[r.key for r in requests])
        done = generator.complete(chats, 1, None)
        assert len(done) == 3 and len(server.batches) == 1
        assert next(iter(server.batches.values()))["input_file_id"] == uploaded.id
        assert sum(1 for f in server.files.values() if b'"method": "POST"' in f) == 1  # uploaded once
        # killed after creating the batch, before journalling it: the rerun finds the batch by its input file
        generator = _generator(spec, tmp_path / "store2")
        with generator.session() as session:
            directory = session.store.directory
        uploaded = client.files.create(file=("requests.jsonl", data), purpose="batch")
        client.batches.create(input_file_id=uploaded.id, endpoint="/v1/chat/completions", completion_window="24h")
        BatchJournal.open(directory).write(event="upload", file_id=uploaded.id, keys=[r.key for r in requests])
        assert len(generator.complete(chats, 1, None)) == 3 and len(server.batches) == 2


def test_kill_9_between_submitting_and_downloading_never_submits_twice(tmp_path):
    """generate_traces on the batch backend is killed while its batch is in progress; the rerun polls that batch,
    downloads its results and submits nothing new."""
    problems, store = fixtures.numbered_problems(tmp_path / "problems.parquet", 12, tag="k"), tmp_path / "store"
    with FakeOpenAI() as server:
        server.batch_polls = 10**9  # never finishes while the first run waits
        job = fixtures.trace_job({**BATCH, "api_base": server.url, "poll_seconds": 0.05})
        cmd = [sys.executable, "-m", "styledistill.cli.generate_traces", "generate", "--spec", json.dumps(job),
               "--problems", str(problems), "--prompt", str(REPO / "prompts" / "teacher.yaml"), "--store",
               str(store), "--out", str(tmp_path / "traces.parquet")]
        first = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=REPO)
        deadline = time.time() + 60
        while not server.batches or not any(b["_polls"] >= 2 for b in server.batches.values()):
            assert time.time() < deadline and first.poll() is None, first.stderr.read() if first.poll() else ""
            time.sleep(0.05)
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
        journal = next(store.rglob(JOURNAL)).read_text()
        assert '"event": "batch"' in journal and '"event": "closed"' not in journal
        assert not (tmp_path / "traces.parquet").exists()
        server.batch_polls = 1
        rerun = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
        assert rerun.returncode == 0, rerun.stderr[-2000:]
        assert len(server.batches) == 1 and len(server.hits) == 12 and set(server.hits.values()) == {1}
    assert len(pd.read_parquet(tmp_path / "traces.parquet")) == 12
    assert len(RequestStore(next(p for p in store.iterdir() if p.is_dir()))) == 12
