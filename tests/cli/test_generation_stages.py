"""generate_traces, build_variants and evaluate on the real embedded model and a tiny random one."""

from __future__ import annotations

import json

import pandas as pd

from tests.cli import fixtures
from tests.cli.fixtures import job
from tests.conftest import REPO, run_cli

GEN = {"max_new_tokens": 24, "temperature": 0.7, "top_p": 0.95, "batch_size": 8, "seed": 0}


def test_generate_traces_resumes_from_the_store(tmp_path, smollm2_dir):
    problems = fixtures.problems(tmp_path / "problems.parquet")
    args = ["--problems", str(problems), "--model", str(smollm2_dir), "--prompt", "prompts/teacher.yaml",
            "--store", str(tmp_path / "store"), "--threads", "2"]
    stage = {"n_samples": 2}
    run_cli("generate_traces", "generate", "--spec", job(stage, generation=GEN), "--out",
            str(tmp_path / "a.parquet"), *args)
    traces = pd.read_parquet(tmp_path / "a.parquet")
    assert len(traces) == 6 and set(traces["sample"]) == {0, 1}
    assert (traces["n_completion_tokens"] > 0).all()
    assert set(traces["finish_reason"]) <= {"stop", "length"}
    assert json.loads((tmp_path / "a.manifest.json").read_text())["rows"] == 6
    # Raising n from 2 to 3 sends only the 3 new requests; the 6 finished ones come from the store.
    stage["n_samples"] = 3
    result = run_cli("generate_traces", "generate", "--spec", job(stage, generation=GEN), "--out",
                     str(tmp_path / "b.parquet"),
                     *args)
    assert "9 request(s): 6 cached, 3 to generate" in result.stderr
    again = pd.read_parquet(tmp_path / "b.parquet")
    assert again[again["sample"] < 2].reset_index(drop=True)["text"].equals(traces["text"])


def test_generate_traces_rejects_bad_input(tmp_path, smollm2_dir):
    result = run_cli("generate_traces", "generate", "--spec", job({"n_sample": 2}), "--problems", "missing.parquet",
                     "--model",
                     str(smollm2_dir), "--prompt", "prompts/teacher.yaml", "--out", str(tmp_path / "t.parquet"),
                     "--store", str(tmp_path / "store"), check=False)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].startswith("error: --spec: stage: unknown key(s) ['n_sample']")
    assert not (tmp_path / "t.parquet").exists()


def test_build_variants_on_the_embedded_generator(tmp_path, smollm2_dir):
    """ST-HC on the real model (style-checked, retried as new samples), ST-HC-W rewritten from it; aligned."""
    from tests.cli.test_variants import _profile

    st = fixtures.st(tmp_path / "st.parquet")
    profile = _profile(tmp_path, st)
    raw = {}
    for variant, stage, source in [
        ("ST", {"kind": "st"}, None),
        ("ST-HC", {"kind": "synthetic", "generator": "g", "prompt": "prompts/synthetic_hc.yaml", "retries": 1,
                   "style_check": {"threshold": 50.0}}, None),
        ("ST-HC-W", {"kind": "synthetic_wrong", "input": "ST-HC", "generator": "g",
                     "prompt": "prompts/synthetic_hc_w.yaml"}, "ST-HC"),
    ]:
        raw[variant] = tmp_path / "raw" / f"{variant}.parquet"
        spec = job(stage, generator={"answer_check": "enforce"}, generation=GEN)
        extra = ["--model", str(smollm2_dir), "--prompt", stage["prompt"]] if "prompt" in stage else []
        run_cli("build_variants", "make", "--spec", spec, "--variant", variant, "--input",
                str(raw[source] if source else st), "--profile", str(profile), "--store", str(tmp_path / "store"),
                "--out", str(raw[variant]), *extra)
    hc = pd.read_parquet(raw["ST-HC"])
    assert hc["attempts"].between(1, 2).all() and hc["style_distance"].notna().any()
    assert (hc["status"].isin(["ok", "style_rejected"])).all()
    # the embedded generator may have its traces rejected: any aligned problem will do here
    run_cli("build_variants", "align", "--spec", job({"min_size": 0.01}), "--raw", *map(str, raw.values()),
            "--problems", str(fixtures.problems(tmp_path / "problems.parquet")), "--st", str(st),
            "--out", str(tmp_path / "alignment"))
    summary = json.loads((tmp_path / "alignment" / "summary.json").read_text())
    ids, problems = summary["problem_ids"], tmp_path / "alignment" / summary["problems_file"]
    frames = {}
    for variant, path in raw.items():
        run_cli("build_variants", "select", "--raw", str(path), "--problems", str(problems),
                "--out", str(tmp_path / f"{variant}.parquet"))
        frames[variant] = pd.read_parquet(tmp_path / f"{variant}.parquet")
    assert ids and all(list(df["problem_id"]) == ids for df in frames.values())
    assert frames["ST"]["target_correct"].all() and frames["ST-HC"]["target_correct"].all()
    wrong, right = frames["ST-HC-W"].set_index("problem_id"), frames["ST-HC"].set_index("problem_id")
    assert not wrong["target_correct"].any() and (wrong["target_answer"] != wrong["gold"]).all()
    for pid in ids:  # the ST-HC body is kept as the prefix
        kept = int(wrong.loc[pid, "prefix_share"] * len(right.loc[pid, "reasoning"]))
        assert wrong.loc[pid, "reasoning"][:kept] == right.loc[pid, "reasoning"][:kept]
        assert wrong.loc[pid, "prefix_share"] > 0.3


def test_evaluate_scores_a_student(tmp_path, tiny_qwen2_dir):
    problems = fixtures.problems(tmp_path / "problems.parquet")
    spec = job({"n_samples": 2, "pass_k": [1, 2]}, generation={"max_new_tokens": 8, "temperature": 0.8,
                                                                 "batch_size": 8},
               labels={"family": "tq", "variant": "base", "benchmark": "hand"})
    run_cli("evaluate", "score", "--spec", spec, "--problems", str(problems), "--model", str(tiny_qwen2_dir),
            "--out", str(tmp_path / "samples.parquet"), "--scores", str(tmp_path / "scores.json"),
            "--audit", str(tmp_path / "audit.parquet"), "--store", str(tmp_path / "store"), "--threads", "2")
    samples = pd.read_parquet(tmp_path / "samples.parquet")
    scores = json.loads((tmp_path / "scores.json").read_text())
    assert len(samples) == 6 and scores["n_problems"] == 3 and scores["n_samples"] == 2
    assert scores["family"] == "tq" and 0 <= scores["pass@1"] <= scores["pass@2"] <= 100
    assert scores["pass@1"] == samples.groupby("problem_id")["correct"].mean().mean() * 100
    assert scores["grading"]["grader"] == "math" and scores["grading"]["graded"] == 6  # the spec's default grader
    assert (samples["gold"] == samples["problem_id"].map(dict(p[::2] for p in fixtures.PROBLEMS))).all()
    assert pd.read_parquet(tmp_path / "audit.parquet").shape[0] == scores["grading"]["disagreements"]
    # what computed the answers: this CPU, the dtype `auto` chose on it and torch, on every answer and in the scores
    import torch

    from styledistill.models.loading import best_dtype

    fingerprint = samples["computed_on"].unique().tolist()
    assert fingerprint == [scores["computed_on"]]
    assert fingerprint[0].startswith(f"cpu {torch.backends.cpu.get_cpu_capability()}")
    assert fingerprint[0].endswith(f" {str(best_dtype('auto')).removeprefix('torch.')} torch-{torch.__version__}")


def test_a_benchmark_in_shards_gives_the_samples_of_one_job(tmp_path, tiny_qwen2_dir):
    """Two answer jobs (each its shard, each its own store) joined by index by the score job: the same
    samples.parquet and scores as one job answering everything."""
    problems = fixtures.problems(tmp_path / "problems.parquet")
    stage = {"n_samples": 2, "pass_k": [1, 2]}
    generation = {"max_new_tokens": 6, "temperature": 0.0, "batch_size": 8}  # greedy: batching cannot matter
    labels = {"family": "tq", "variant": "base", "benchmark": "hand"}
    common = ("--problems", str(problems), "--model", str(tiny_qwen2_dir), "--threads", "2")

    def score(name: str, *answers: str) -> pd.DataFrame:
        run_cli("evaluate", "score", "--spec", job(stage, generation=generation, labels=labels), *common,
                "--answers", *answers, "--out", str(tmp_path / f"{name}.parquet"),
                "--scores", str(tmp_path / f"{name}.json"), "--audit", str(tmp_path / f"{name}.audit.parquet"),
                "--store", str(tmp_path / f"store-{name}"))
        return pd.read_parquet(tmp_path / f"{name}.parquet")

    one = score("one")
    shards = []
    for shard in (0, 1):
        out = tmp_path / f"shard{shard}.parquet"
        run_cli("evaluate", "answer", "--spec", job({**stage, "shards": 2, "shard": shard}, generation=generation),
                *common, "--out", str(out), "--store", str(tmp_path / f"store-shard{shard}"))
        shards.append(str(out))
    assert [len(pd.read_parquet(s)) for s in shards] == [4, 2]  # problems 0 and 2, then problem 1; 2 samples each
    joined = score("joined", *reversed(shards))
    pd.testing.assert_frame_equal(one, joined)
    first, second = (json.loads((tmp_path / f"{n}.json").read_text()) for n in ("one", "joined"))
    assert first == second and first["requested"] == 6 and first["failed"] == 0


def test_budget_forcing_appends_waits_and_ends_the_thinking_at_its_cap(tmp_path, smollm2_dir):
    """s1's budget forcing on the embedded model, with a line break as its end of thinking (it writes one soon):
    each end is replaced by "Wait" twice, then the thinking ends; a cap of 6 tokens ends it for the student."""
    from styledistill.evaluation.budget_forcing import force_budget
    from styledistill.evaluation.settings import BudgetForcing
    from styledistill.generation.generator import Generator
    from styledistill.generation.settings import TransformersSettings

    chats = [("p0", [{"role": "user", "content": "List three fruits, one per line."}]),
             ("p1", [{"role": "user", "content": "What is 12 + 7? Explain step by step."}])]
    student = Generator(smollm2_dir, TransformersSettings(max_new_tokens=48), None, tmp_path / "store", 0)
    extend = BudgetForcing(waits=2, end_of_thinking="\n", answer_tokens=8)
    done = force_budget(chats, 1, student, extend, tmp_path / "f.jsonl")
    assert [d.waits for d in done] == [2, 2]
    for d in done:
        text = d.completion.response.text
        assert text.count("Wait") >= 2 and "\n" in text
        assert d.forced == (d.thinking_tokens == 48)  # the cap is the generation's max_new_tokens
        assert d.thinking_tokens <= 48 and d.completion.response.n_completion_tokens > d.thinking_tokens
    cap = BudgetForcing(max_thinking_tokens=6, end_of_thinking="</think>", answer_tokens=4)
    capped = force_budget(chats, 1, student, cap, tmp_path / "f.jsonl")
    assert all(d.forced and d.thinking_tokens == 6 and d.waits == 0 for d in capped)
    assert all(d.completion.response.text.count("</think>") == 1 for d in capped)
    assert all(d.completion.response.n_completion_tokens <= 6 + 4 for d in capped)
    # every round is a stored request: a rerun generates nothing and gives the same texts
    again = force_budget(chats, 1, student, extend, tmp_path / "f.jsonl")
    assert [a.completion.response.text for a in again] == [d.completion.response.text for d in done]


def test_killed_generation_resumes_without_resending(tmp_path, smollm2_dir):
    """kill -9 after the first finished batch: the rerun sends only what was not yet stored."""
    import os
    import signal
    import subprocess
    import sys
    import time

    problems = fixtures.problems(tmp_path / "problems.parquet")
    store = tmp_path / "store"
    spec = job({"n_samples": 2}, generation={**GEN, "max_new_tokens": 48, "batch_size": 1})
    argv = [sys.executable, "-m", "styledistill.cli.generate_traces", "generate", "--spec", spec, "--problems",
            str(problems), "--model", str(smollm2_dir), "--prompt", "prompts/teacher.yaml", "--store", str(store),
            "--out", str(tmp_path / "t.parquet"), "--threads", "2"]
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO)
    deadline = time.time() + 300
    while time.time() < deadline and proc.poll() is None:
        lines = sum(p.read_text().count("\n") for p in store.rglob("*.jsonl")) if store.exists() else 0
        if lines >= 1:
            os.kill(proc.pid, signal.SIGKILL)
            break
        time.sleep(0.2)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the job finished before it could be killed"
    stored = sum(p.read_text().count("\n") for p in store.rglob("*.jsonl"))
    assert 1 <= stored < 6 and not (tmp_path / "t.parquet").exists()
    result = run_cli("generate_traces", *argv[3:])
    assert f"6 request(s): {stored} cached, {6 - stored} to generate" in result.stderr
    assert len(pd.read_parquet(tmp_path / "t.parquet")) == 6


def test_shards_split_the_problems_and_merge_back(tmp_path, tiny_llama_dir):
    problems = fixtures.problems(tmp_path / "problems.parquet")
    store = tmp_path / "store"
    base = ["--problems", str(problems), "--model", str(tiny_llama_dir), "--prompt", "prompts/teacher.yaml",
            "--store", str(store)]
    generation = {**GEN, "max_new_tokens": 8}
    whole = tmp_path / "whole.parquet"
    run_cli("generate_traces", "generate", "--spec", job({"n_samples": 2}, generation=generation), "--out",
            str(whole), *base)
    shards = [tmp_path / "shards" / f"{i}.parquet" for i in range(2)]
    for i, out in enumerate(shards):
        result = run_cli("generate_traces", "generate", "--spec", job({"n_samples": 2, "shard": i, "shards": 2},
                                                          generation=generation),
                         "--out", str(out), *base)
        assert ", 0 to generate" in result.stderr  # the shards share the store with the unsharded run
    assert [len(pd.read_parquet(p)) for p in shards] == [4, 2]  # p1, p3 | p2
    merged = tmp_path / "traces.parquet"
    run_cli("generate_traces", "merge", "--shards", *map(str, shards), "--out", str(merged))
    keys = ["problem_id", "sample"]
    expected = pd.read_parquet(whole).sort_values(keys).reset_index(drop=True)
    pd.testing.assert_frame_equal(pd.read_parquet(merged), expected)
    assert (tmp_path / "traces.failures.jsonl").read_text() == ""
    assert json.loads((tmp_path / "traces.manifest.json").read_text())["shards"] == 2


def test_merge_refuses_overlapping_shards(tmp_path, tiny_llama_dir):
    problems = fixtures.problems(tmp_path / "problems.parquet")
    out = tmp_path / "s.parquet"
    run_cli("generate_traces", "generate", "--spec", job(generation={**GEN, "max_new_tokens": 4}), "--problems",
            str(problems),
            "--model", str(tiny_llama_dir), "--prompt", "prompts/teacher.yaml", "--store", str(tmp_path / "store"),
            "--out", str(out))
    result = run_cli("generate_traces", "merge", "--shards", str(out), str(out), "--out", str(tmp_path / "m.parquet"),
                     check=False)
    assert result.returncode == 2 and "shards overlap" in result.stderr.strip().splitlines()[-1]
    assert not (tmp_path / "m.parquet").exists()


def test_a_gpu_job_without_a_gpu_stops_in_one_line(tmp_path, tiny_llama_dir):
    """`--gpus 1` where torch sees no GPU: the job stops before its first request instead of running on the CPU."""
    problems = fixtures.problems(tmp_path / "problems.parquet")
    result = run_cli("generate_traces", "generate", "--spec", job({"n_samples": 1}, generation=GEN), "--problems",
                     str(problems), "--model", str(tiny_llama_dir), "--prompt", "prompts/teacher.yaml",
                     "--out", str(tmp_path / "t.parquet"), "--store", str(tmp_path / "store"), "--gpus", "1",
                     check=False)
    assert result.returncode == 2, result.stderr[-2000:]
    assert result.stderr.strip().splitlines()[-1].startswith(
        "error: generation.gpus: the job asked for 1 GPU(s) and torch 2.13.0+cpu sees 0")
    assert not (tmp_path / "t.parquet").exists()
