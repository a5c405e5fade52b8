"""The report's Teachers page says which model served each teacher's and each generated variant's answers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from styledistill.report import served, teachers


def _table(path: Path, **columns: list) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = len(next(iter(columns.values())))
    pd.DataFrame({"problem_id": [f"p{i}" for i in range(rows)], **columns}).to_parquet(path)
    return str(path)


def test_served_models_are_counted_per_teacher_and_variant(tmp_path):
    traces = _table(tmp_path / "traces/r1/math/traces.parquet",
                    served_model=["deepseek-v3.2", "deepseek-v3.2", "DeepSeek-R1", None])
    local = _table(tmp_path / "traces/sim/math/traces.parquet", text=["a", "b"])  # records none: left out
    hc = _table(tmp_path / "variants/r1/math/ST-HC/train.parquet", served_model=["gpt-4o-2024-08-06"] * 3)
    lines = served.lines([traces, local], [hc])
    assert lines == ["- teacher r1/math: deepseek-v3.2 (2), DeepSeek-R1 (1); 1 record none",
                     "- variant r1/math/ST-HC: gpt-4o-2024-08-06 (3)"]
    page = teachers.markdown({"r1": "deepseek_reasoner"}, [], lines)
    assert "## Served by" in page and lines[0] in page
    assert "**Served by**" in teachers.rst({"r1": "deepseek_reasoner"}, [], lines)
    assert "## Served by" not in teachers.markdown({"sim": "simulated"}, [], served.lines([local], []))
