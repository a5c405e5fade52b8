from __future__ import annotations

import json

import pandas as pd
import pytest

from styledistill.errors import UserError
from styledistill.io import read_table, sha256_file, write_table


def _problems(n=2):
    return pd.DataFrame({"problem_id": [f"p{i}" for i in range(n)], "question": "q", "answer": "1", "level": 1,
                         "source": "t", "split": "train", "options": None, "solution": None})


def test_write_table_publishes_file_and_manifest(tmp_path):
    out = tmp_path / "d" / "problems.parquet"
    write_table(_problems(), out, "problem", "make_problems", 3)
    manifest = json.loads((tmp_path / "d" / "problems.manifest.json").read_text())
    assert manifest == {"stage": "make_problems", "stage_version": 3, "rows": 2,
                        "files": {"problems.parquet": sha256_file(out)}}
    assert read_table(out, "problem")["problem_id"].tolist() == ["p0", "p1"]
    assert [p.name for p in (tmp_path / "d").iterdir() if p.name.startswith(".")] == []  # no temp files left


def test_wrong_schema_is_refused_before_anything_is_written(tmp_path):
    out = tmp_path / "problems.parquet"
    with pytest.raises(UserError, match=r"problems.parquet: missing column\(s\) answer for a problem table"):
        write_table(_problems().drop(columns="answer"), out, "problem", "make_problems", 1)
    assert list(tmp_path.iterdir()) == []


def test_empty_table_keeps_its_schema(tmp_path):
    out = tmp_path / "t.parquet"
    write_table(pd.DataFrame(), out, "problem", "make_problems", 1)
    assert list(read_table(out, "problem").columns)[:3] == ["problem_id", "question", "answer"]


def test_a_table_written_in_chunks_is_the_table_written_at_once(tmp_path):
    from styledistill.io import write_table_chunks

    rows = pd.DataFrame({"problem_id": [f"p{i}" for i in range(5)], "question": "q",
                         "answer": [str(i) for i in range(5)], "level": [1, None, 3, None, 5], "source": "s",
                         "split": "train", "options": None, "solution": None})
    write_table(rows, tmp_path / "once.parquet", "problem", "test", 1)
    write_table_chunks((rows.iloc[i:i + 2] for i in range(0, 5, 2)), tmp_path / "chunks.parquet", "problem", "test", 1)
    once, chunked = (pd.read_parquet(tmp_path / f"{n}.parquet") for n in ("once", "chunks"))
    pd.testing.assert_frame_equal(once, chunked)
    assert json.loads((tmp_path / "chunks.manifest.json").read_text())["rows"] == 5
    write_table_chunks(iter([]), tmp_path / "none.parquet", "problem", "test", 1)  # no chunk: the columns alone
    assert list(pd.read_parquet(tmp_path / "none.parquet").columns) == list(once.columns)
