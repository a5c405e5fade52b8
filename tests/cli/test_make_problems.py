"""`python -m styledistill.cli.make_problems` as a Snakemake rule runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from styledistill.io import manifest_path, read_json, read_table
from styledistill.rules import version
from tests.conftest import run_cli


def _make(spec: dict, out: Path, *extra: str, check: bool = True):
    job = {"version": version("make_problems"), "stage": spec}
    return run_cli("make_problems", "--spec", json.dumps(job, sort_keys=True), "--out", str(out), *extra, check=check)


def test_builtin_train_and_test(tmp_path: Path) -> None:
    spec = {"levels": [1, 2, 3, 4], "n": 24, "seed": 0, "source": "builtin"}
    train, test = tmp_path / "train" / "problems.parquet", tmp_path / "test" / "problems.parquet"
    _make({**spec, "split": "train"}, train)
    _make({**spec, "split": "test"}, test)
    a, b = read_table(train, "problem"), read_table(test, "problem")
    assert len(a) == len(b) == 24 and a["problem_id"].is_unique
    assert set(a["question"]).isdisjoint(b["question"])
    assert sorted(a["level"].value_counts().to_dict().items()) == [(1, 6), (2, 6), (3, 6), (4, 6)]
    assert (a["source"] == "builtin:0").all() and (a["split"] == "train").all() and (b["split"] == "test").all()
    assert a["answer"].str.fullmatch(r"\d+").all()
    manifest = read_json(manifest_path(train))
    assert manifest["stage"] == "make_problems" and manifest["rows"] == 24
    assert manifest["stage_version"] == version("make_problems")
    again = tmp_path / "again.parquet"
    _make({**spec, "split": "train"}, again)
    assert read_table(again, "problem").equals(a)  # deterministic


def test_gsm8k_file(shared_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "problems.parquet"
    spec = {"source": "jsonl", "path": str(shared_data / "gsm8k_test.jsonl"), "split": "test", "limit": 50,
            "fields": {"question": "question", "answer": "answer"}, "answer_pattern": r"####\s*(.+)$"}
    result = _make(spec, out)
    df = read_table(out, "problem")
    assert len(df) == 50 and df["answer"].iloc[0] == "18" and df["level"].isna().all()
    assert "wrote 50 test problems" in result.stderr


def test_hf_local_loader(shared_data: Path, tmp_path: Path) -> None:
    pytest.importorskip("datasets")
    out = tmp_path / "problems.parquet"
    spec = {"source": "hf", "path": "json", "data_files": str(shared_data / "aime24.jsonl"), "hf_split": "train",
            "split": "test", "fields": {"id": "id", "question": "problem", "answer": "answer"}}
    _make(spec, out, "--cache-dir", str(tmp_path / "cache"))
    df = read_table(out, "problem")
    assert len(df) == 30 and not df["answer"].str.startswith("0").any()


@pytest.mark.parametrize("spec, message", [
    ({"source": "builtin", "split": "train", "seed": 0, "n": 5, "colour": 1}, "unknown key(s) ['colour']"),
    ({"source": "csv", "path": "x"}, "stage.source: unknown source 'csv' (one of builtin, jsonl, hf, preset)"),
    ({"split": "train"}, "stage: 'source' is required"),
])
def test_bad_spec_exits_2_without_output(tmp_path: Path, spec: dict, message: str) -> None:
    out = tmp_path / "problems.parquet"
    result = _make(spec, out, check=False)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: --spec: ") and message in lines[0]
    assert not out.exists() and not manifest_path(out).exists()


def test_bad_line_exits_2_naming_file_and_line(tmp_path: Path) -> None:
    data = tmp_path / "data.jsonl"
    data.write_text('{"q": "1+1?", "a": "2"}\n{"q": "2+2?", "a": "4"}\n{"q": "3+3?" "a": "6"}\n')
    out = tmp_path / "problems.parquet"
    result = _make({"source": "jsonl", "path": str(data), "split": "test", "fields": {"question": "q", "answer": "a"}},
                   out, check=False)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {data}:3: not valid JSON")
    assert not out.exists() and not list(tmp_path.glob(".problems*"))
