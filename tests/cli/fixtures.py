"""Small Parquet fixtures written the way the stages write them."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from styledistill.io import write_table

PROBLEMS = [("p1", "What is 3 + 4?", "7"), ("p2", "What is 10 - 7?", "3"), ("p3", "What is 6 times 7?", "42")]


def problems(path: Path) -> Path:
    df = pd.DataFrame([{"problem_id": i, "question": q, "answer": a, "level": 1, "source": "test", "split": "test"}
                       for i, q, a in PROBLEMS])
    write_table(df, path, "problem", "make_problems", 1)
    return path


def st(path: Path) -> Path:
    rows = [{"problem_id": i, "question": q, "gold": a, "reasoning": f"Wait, let me check: the result is {a}.",
             "answer_text": f"The answer is \\boxed{{{a}}}.", "sample": 0} for i, q, a in PROBLEMS]
    write_table(pd.DataFrame(rows), path, "st", "build_st", 1)
    return path


def job(stage: dict | None = None, **parts: dict) -> str:
    """A job's --spec as a rule passes it: the stage's settings and the other parts (generation, provider, ...)."""
    return json.dumps({"version": 1, "stage": stage or {}, **parts})
