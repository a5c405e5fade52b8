"""simulate_traces CLI: built-in problems in, traces and what was planted out; bad input is one line, nothing
written."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from styledistill.io import manifest_path, read_json, read_table
from tests.cli.fixtures import job
from tests.conftest import run_cli


def _problems(tmp_path: Path) -> Path:
    out = tmp_path / "problems.parquet"
    spec = {"stage": {"source": "builtin", "split": "train", "seed": 1, "n": 6, "levels": [0, 2]}}
    run_cli("make_problems", "--spec", json.dumps(spec), "--out", str(out))
    return out


def test_traces_and_their_plant_are_written_together(tmp_path: Path) -> None:
    problems = _problems(tmp_path)
    assert read_table(problems, "problem")["solution"].notna().all()
    traces, planted = tmp_path / "traces.parquet", tmp_path / "planted.parquet"
    run_cli("simulate_traces", "--spec", job({"n_samples": 2, "wrong": 0.5}), "--problems", str(problems),
            "--out", str(traces), "--planted", str(planted))
    written, plant = read_table(traces, "trace"), read_table(planted, "planted")
    assert len(written) == len(plant) == 12
    assert (written[["problem_id", "sample"]].to_numpy() == plant[["problem_id", "sample"]].to_numpy()).all()
    assert read_json(manifest_path(traces))["simulated"]["wrong"] == 0.5
    # a second run writes the same traces (each is a function of the style, the problem and the sample)
    again = tmp_path / "again.parquet"
    run_cli("simulate_traces", "--spec", job({"n_samples": 2, "wrong": 0.5}), "--problems", str(problems),
            "--out", str(again), "--planted", str(tmp_path / "planted2.parquet"))
    pd.testing.assert_frame_equal(read_table(again, "trace"), written)


def test_problems_without_solutions_fail_in_one_line_and_write_nothing(tmp_path: Path) -> None:
    problems = _problems(tmp_path)
    table = read_table(problems, "problem")
    table.loc[3, "solution"] = None
    table.to_parquet(problems)
    traces, planted = tmp_path / "traces.parquet", tmp_path / "planted.parquet"
    result = run_cli("simulate_traces", "--spec", job(), "--problems", str(problems), "--out", str(traces),
                     "--planted", str(planted), check=False)
    assert result.returncode != 0
    line = result.stderr.strip().splitlines()[-1]
    assert f"{problems}: row 4 (problem {table.loc[3, 'problem_id']}): has no worked solution" in line
    assert not traces.exists() and not planted.exists()


def test_a_bad_style_fails_in_one_line(tmp_path: Path) -> None:
    result = run_cli("simulate_traces", "--spec", job({"pivots": {"exploration": 2}}), "--problems",
                     str(_problems(tmp_path)), "--out", str(tmp_path / "t.parquet"), "--planted",
                     str(tmp_path / "p.parquet"), check=False)
    assert result.returncode != 0
    assert "--spec: stage.pivots.exploration: Input should be less than or equal to 1" in result.stderr
