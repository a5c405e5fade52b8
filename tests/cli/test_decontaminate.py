"""The decontaminate CLI on small problem sets: the cleaned set, every match with both texts, the summary, the page."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from styledistill.io import manifest_path, read_json, write_table
from styledistill.rules import version
from tests.conftest import run_cli

BENCHMARK = [("b1", "Daniel works at an electronics store, and he claims that the popularity of a toaster is "
                    "inversely proportional to its cost. If 12 customers buy a toaster that costs $500, how many "
                    "customers would buy a toaster that costs $750?"),
             ("b2", "What is the sum of all positive divisors of 36? Express your answer as a common fraction.")]
TRAIN = [("t1", "Daniel works at an electronics store and he claims that the popularity of a television is inversely "
                "proportional to its cost. If 15 customers buy one that costs $1500, how many would buy one at $2500?"),
         ("t2", "A bag has 4 red and 6 green balls; what is the chance of two reds? Express your answer as a common "
                "fraction."),
         ("t3", "What  is the sum of all positive divisors of 36? Express your answer as a common fraction."),
         ("t4", "How many ways can 5 books be arranged on a shelf?"),
         ("t5", "How many ways can 5 books be arranged  on a shelf?")]


def _problems(path: Path, rows: list[tuple[str, str]], split: str) -> Path:
    df = pd.DataFrame([{"problem_id": i, "question": q, "answer": "1", "level": None, "source": "test", "split": split,
                        "options": None, "solution": None} for i, q in rows])
    write_table(df, path, "problem", "make_problems", 1)
    return path


def _run(tmp_path: Path, stage: dict, check: bool = True, benchmark: str | None = None):
    train = _problems(tmp_path / "train.parquet", TRAIN, "train")
    bench = _problems(tmp_path / "bench.parquet", BENCHMARK, "test")
    out = tmp_path / "out"
    spec = json.dumps({"version": version("decontaminate"), "stage": stage})
    return run_cli("decontaminate", "--spec", spec, "--problems", str(train), "--benchmark",
                   benchmark or f"mybench={bench}", "--name", "mytrain", "--out", str(out / "clean.parquet"),
                   "--matches", str(out / "decontamination.parquet"), "--summary", str(out / "decontamination.json"),
                   "--markdown", str(out / "decontamination.md"), check=check), out


def test_matches_are_dropped_listed_and_summed_up(tmp_path):
    _, out = _run(tmp_path, {})
    matches = pd.read_parquet(out / "decontamination.parquet")
    assert sorted(map(tuple, matches[["problem_id", "benchmark", "benchmark_id", "method"]].values.tolist())) == [
        ("t1", "mybench", "b1", "ngram"), ("t3", "mybench", "b2", "exact"), ("t5", "mytrain", "t4", "duplicate")]
    assert matches["question"].str.len().gt(0).all() and matches["benchmark_question"].str.len().gt(0).all()
    assert list(pd.read_parquet(out / "clean.parquet")["problem_id"]) == ["t2", "t4"]  # t2 shares only boilerplate
    summary = read_json(out / "decontamination.json")
    assert (summary["problems"], summary["kept"], summary["contaminated"], summary["duplicates"]) == (5, 2, 2, 1)
    assert summary["benchmarks"]["mybench"]["by_method"] == {"exact": 1, "ngram": 1}
    page = (out / "decontamination.md").read_text()
    assert "**t1** ↔ **mybench/b1**" in page and "daniel works at an electronics store" in page
    assert read_json(manifest_path(out / "clean.parquet"))["stage"] == "decontaminate"


def test_report_keeps_every_problem(tmp_path):
    _, out = _run(tmp_path, {"action": "report", "fuzzy": None})
    assert len(pd.read_parquet(out / "clean.parquet")) == 5
    assert not pd.read_parquet(out / "decontamination.parquet")["dropped"].any()


def test_bad_input_is_one_line_and_writes_nothing(tmp_path):
    for stage, benchmark, message in [({"ngram": 2}, None, "--spec: stage.ngram: Input should be greater than or "
                                       "equal to 3"),
                                      ({"fuzzy": 120}, None, "--spec: stage.fuzzy"),
                                      ({}, "no-equals-sign", "--benchmark: 'no-equals-sign' is not NAME=")]:
        result, out = _run(tmp_path, stage, check=False, benchmark=benchmark)
        assert result.returncode == 2 and message in result.stderr.strip().splitlines()[-1], result.stderr
        assert not out.exists()
