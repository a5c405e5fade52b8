"""`python -m styledistill.cli.import_traces` on the real R1 traces, as the rule runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from styledistill.io import manifest_path, read_json, read_table, write_table
from styledistill.rules import version
from tests.conftest import run_cli

SHARED = "traces_thoughtanchors_cots_math.jsonl"


def _problems(shared_data: Path, out: Path, keep: int) -> Path:
    rows = [json.loads(line) for line in (shared_data / SHARED).read_text().splitlines()][:keep]
    write_table(pd.DataFrame({"problem_id": [r["id"] for r in rows], "question": [r["question"] for r in rows],
                              "answer": [r["gold"] for r in rows], "level": None, "source": "test",
                              "split": "train", "options": None, "solution": None}), out, "problem", "make_problems", 1)
    return out


def _spec(shared_data: Path, **change: object) -> str:
    stage = {"source": "import", "format": "jsonl", "path": str(shared_data / SHARED),
             "fields": {"id": "id", "question": "question", "reasoning": "thinking", "answer": "answer_text",
                        "label": "correct"}, **change}
    return json.dumps({"version": version("import_traces"), "stage": stage})


def test_imports_the_dataset_problems_with_provenance(shared_data: Path, tmp_path: Path) -> None:
    problems = _problems(shared_data, tmp_path / "problems.parquet", keep=40)
    out, page = tmp_path / "traces.parquet", tmp_path / "import.md"
    result = run_cli("import_traces", "--spec", _spec(shared_data, problems=30, seed=1), "--problems",
                     str(problems), "--out", str(out), "--provenance", str(page), "--teacher", "r1")
    traces = read_table(out, "trace")
    assert len(traces) == 30 and set(traces["problem_id"]) <= set(read_table(problems, "problem")["problem_id"])
    assert "source_correct" in traces.columns and traces["source_correct"].notna().all()
    record = read_json(manifest_path(out))["provenance"]
    assert record["traces_read"] == 153 and record["imported"] == 30
    assert record["dropped"] == {"not_in_dataset": 113, "not_sampled": 10}  # paired first, then sampled
    assert len(record["sha256"]) == 64 and record["fields"]["reasoning"] == "thinking"
    assert "| dropped: not_in_dataset | 113 |" in page.read_text() and "imported 30 traces" in result.stderr


def test_no_trace_of_the_dataset_is_an_error_without_output(shared_data: Path, tmp_path: Path) -> None:
    problems = tmp_path / "problems.parquet"
    write_table(pd.DataFrame({"problem_id": ["other"], "question": ["?"], "answer": ["1"], "level": None,
                              "source": "t", "split": "train", "options": None, "solution": None}),
                 problems, "problem", "make_problems", 1)
    result = run_cli("import_traces", "--spec", _spec(shared_data), "--problems", str(problems), "--out",
                     str(tmp_path / "t.parquet"), "--provenance", str(tmp_path / "i.md"), check=False)
    assert result.returncode == 2 and "none of its 153 traces belongs to a problem of" in result.stderr
    assert not (tmp_path / "t.parquet").exists() and not (tmp_path / "i.md").exists()
