"""The report's prompted baselines: their scores beside the fine-tuned students, and the paired difference the style
prompt makes, found where it is planted and not where it is not."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from styledistill.io import write_table
from styledistill.report import prompted
from styledistill.report.settings import ReportSettings
from tests.cli import fixtures

N = 60


def _samples(path: Path, correct: np.ndarray) -> str:
    frame = pd.DataFrame({
        "problem_id": [f"p{i:03d}" for i in range(N)], "sample": 0, "prompt": "q", "text": "t", "reasoning": "",
        "answer_text": "t", "finish_reason": "stop", "truncated": False, "n_completion_tokens": 10, "gold": "1",
        "correct": correct, "extracted": "1", "grade_method": "boxed"})
    write_table(fixtures.plain_answers(fixtures.graded_columns(frame)), path, "eval_sample", "evaluate", 1)
    return str(path)


def _scores(prompt: str, correct: np.ndarray) -> dict:
    styled = prompt == "style"
    return {"baseline": "gpt", "model": "gpt4o", "prompt": prompt, "teacher": "r1" if styled else "",
            "dataset": "math" if styled else "", "benchmark": "math500", "pass@1": 100 * correct.mean(),
            "pass@1_stderr": 100 * correct.std(ddof=1) / np.sqrt(N), "failed": 0}


def _table(tmp_path: Path, plain: np.ndarray, styled: np.ndarray) -> pd.DataFrame:
    scores = prompted.frame([_scores("plain", plain), _scores("style", styled)])
    samples = {("plain", "gpt", "math500"): _samples(tmp_path / "plain.parquet", plain),
               ("style", "gpt", "r1", "math", "math500"): _samples(tmp_path / "style.parquet", styled)}
    students = pd.DataFrame([
        {"family": "llama3b", "teacher": "", "dataset": "", "variant": "base", "benchmark": "math500", "pass@1": 36.4},
        {"family": "llama3b", "teacher": "r1", "dataset": "math", "variant": "ST", "benchmark": "math500",
         "pass@1": 68.4}])
    return prompted.table(scores, samples, students, ReportSettings())


def test_a_planted_gain_of_the_style_prompt_is_found_beside_the_students(tmp_path):
    rng = np.random.default_rng(0)
    plain = rng.random(N) < 0.4
    styled = plain | (rng.random(N) < 0.5)  # the style prompt fixes about half of the misses, breaks none
    row = _table(tmp_path, plain, styled).iloc[0]
    assert row["gpt (plain)"].startswith(f"{100 * plain.mean():.1f} ± ")
    assert row["gpt + style"].startswith(f"{100 * styled.mean():.1f} ± ")
    difference = row["gpt: style − plain"]
    assert difference.startswith(f"+{100 * (styled.mean() - plain.mean()):.1f} [")
    assert float(difference.rsplit("p=", 1)[1]) < 0.001
    assert row["llama3b base"] == "36.4" and row["llama3b ST"] == "68.4" and row["llama3b ST-HC"] == "–"
    assert "teacher" not in row  # one teacher x dataset: no columns for it


def test_no_planted_difference_is_not_found(tmp_path):
    rng = np.random.default_rng(1)
    plain, styled = rng.random(N) < 0.5, rng.random(N) < 0.5  # the same rate, drawn independently
    difference = _table(tmp_path, plain, styled).iloc[0]["gpt: style − plain"]
    assert float(difference.rsplit("p=", 1)[1]) > 0.05
    same = _table(tmp_path, plain, plain).iloc[0]["gpt: style − plain"]
    assert same == "+0.0 (no variation)"
