"""Problems through `datasets.load_dataset`, run for real on local files (no network)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from styledistill.errors import UserError
from styledistill.problems import files, hub
from styledistill.problems.settings import HubSource, JsonlSource

pytest.importorskip("datasets")

AMC_FIELDS = {"id": "id", "question": "problem", "answer": "answer"}


def test_json_loader_with_data_files_matches_jsonl(shared_data: Path, tmp_path: Path) -> None:
    path = str(shared_data / "amc23.jsonl")
    spec = {"source": "hf", "path": "json", "data_files": path, "hf_split": "train", "split": "test",
            "fields": AMC_FIELDS}
    problems = hub.load(HubSource.from_spec(spec), cache_dir=str(tmp_path / "cache"))
    plain = files.load(JsonlSource.from_spec({"source": "jsonl", "path": path, "split": "test", "fields": AMC_FIELDS}))
    assert [{**p, "source": ""} for p in problems] == [{**p, "source": ""} for p in plain]
    assert problems[0]["answer"] == "27" and problems[0]["source"] == f"hf:json:{path}[train]"


def test_local_dataset_directory_with_pattern_level_and_limit(shared_data: Path, tmp_path: Path) -> None:
    data = tmp_path / "gsm8k-local"
    data.mkdir()
    rows = [json.loads(line) for line in (shared_data / "gsm8k_test.jsonl").read_text().splitlines()[:20]]
    with open(data / "test.jsonl", "w") as handle:
        for i, row in enumerate(rows):
            handle.write(json.dumps({**row, "level": f"Level {i % 3 + 1}"}) + "\n")
    spec = {"source": "hf", "path": str(data), "split": "test", "limit": 7, "answer_pattern": r"####\s*(.+)$",
            "fields": {"question": "question", "answer": "answer", "level": "level"}}
    problems = hub.load(HubSource.from_spec(spec), cache_dir=str(tmp_path / "cache"))
    assert len(problems) == 7 and problems[0]["answer"] == "18" and problems[2]["answer"] == "70000"
    assert [p["level"] for p in problems[:4]] == [1, 2, 3, 1]
    assert problems[0]["problem_id"] == "h-" + files.question_hash(rows[0]["question"])


def test_bad_rows_name_the_row(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text('{"q": "a?", "a": "1"}\n{"q": "b?", "a": ""}\n')
    spec = {"source": "hf", "path": "json", "data_files": str(path), "hf_split": "train", "split": "train",
            "fields": {"question": "q", "answer": "a"}}
    with pytest.raises(UserError, match=re.escape("[train] row 1: key 'a' is empty")):
        hub.load(HubSource.from_spec(spec), cache_dir=str(tmp_path / "cache"))


def test_loader_failures_are_one_line(tmp_path: Path) -> None:
    spec = {"source": "hf", "path": "json", "data_files": str(tmp_path / "missing.jsonl"), "split": "test",
            "fields": {"question": "q", "answer": "a"}}
    with pytest.raises(UserError) as info:
        hub.load(HubSource.from_spec(spec), cache_dir=str(tmp_path / "cache"))
    assert "datasets.load_dataset('json', None, split='test') failed" in str(info.value)
    assert "\n" not in str(info.value)
    with pytest.raises(UserError, match=re.escape("--spec: unknown key(s) ['config']")):
        HubSource.from_spec({**spec, "config": "x"})
    with pytest.raises(UserError, match=re.escape("--spec.data_files")):
        HubSource.from_spec({**spec, "data_files": 3})
    shutil.rmtree(tmp_path / "cache", ignore_errors=True)
