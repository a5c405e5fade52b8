"""Small Parquet fixtures written the way the stages write them."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from styledistill.io import write_table

PROBLEMS = [("p1", "What is 3 + 4?", "7"), ("p2", "What is 10 - 7?", "3"), ("p3", "What is 6 times 7?", "42")]


def problems(path: Path) -> Path:
    df = pd.DataFrame([{"problem_id": i, "question": q, "answer": a, "level": 1, "source": "test", "split": "test",
                        "options": None, "solution": None}
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


TRACE_STAGE_KEYS = {"n_samples", "answer_marker", "limit", "shard", "shards"}
# Keys of a flat test spec that belong to the provider (a models entry of source api), under their names there.
PROVIDER_KEYS = {"model": "provider", "api_base": "api_base", "api_key_env": "api_key_env", "prices": "prices",
                 "expect_model": "expect_model"}


def trace_job(spec: dict) -> dict:
    """A generate_traces job from one flat dict of stage, generation and provider keys (as tests write them)."""
    stage = {k: v for k, v in spec.items() if k in TRACE_STAGE_KEYS}
    provider = {PROVIDER_KEYS[k]: v for k, v in spec.items() if k in PROVIDER_KEYS}
    generation = {k: v for k, v in spec.items() if k not in TRACE_STAGE_KEYS and k not in PROVIDER_KEYS}
    return {"version": 1, "stage": stage, "generation": generation, **({"provider": provider} if provider else {})}


def numbered_problems(path: Path, n: int, tag: str = "q") -> Path:
    """n problems "[<tag>0000] What is i + i?" (a tag the fake server's scripts can match), as a problem table."""
    rows = [{"problem_id": f"p{i:04d}", "question": f"[{tag}{i:04d}] What is {i} + {i}?", "answer": str(2 * i),
             "level": 0, "source": "test", "split": "test", "options": None, "solution": None} for i in range(n)]
    write_table(pd.DataFrame(rows), path, "problem", "make_problems", 1)
    return path


def plain_answers(frame: pd.DataFrame) -> pd.DataFrame:
    """Hand-made eval samples with the columns budget forcing fills, as a plainly answered benchmark has them, and
    what computed them (an API that gives no fingerprint)."""
    return frame.assign(thinking_tokens=None, waits=0, forced=False, computed_on=None)


def graded_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """A hand-made graded table with the grade record's remaining columns (the second opinion agreeing)."""
    return frame.assign(grader="math", grade_status="graded", second_correct=frame["correct"],
                        second_extracted=frame["extracted"])
