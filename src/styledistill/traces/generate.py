"""Answer the problems of one shard: n samples each, reasoning and answer split, one trace row per sample."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from styledistill.generation.jobs import Generator
from styledistill.prompting import PromptTemplate
from styledistill.records import columns
from styledistill.traces.settings import TraceJob

# Kept beside the trace record's columns: not failures, but worth seeing.
EXTRA_COLUMNS = ["empty", "n_prompt_tokens", "cost_usd"]


def shard_of(problems: pd.DataFrame, job: TraceJob) -> pd.DataFrame:
    """The problems of this job's shard: every `shards`-th row, starting at row `shard`."""
    return problems.iloc[job.shard::job.shards]


def answer(problems: pd.DataFrame, template: PromptTemplate, job: TraceJob, generator: Generator,
           failures_out: str | Path) -> pd.DataFrame:
    """The trace table of this job's shard of `problems`."""
    problems = shard_of(problems, job)
    chats = [(row.problem_id, template.messages(question=row.question)) for row in problems.itertuples()]
    completions = generator.complete(chats, job.n_samples, failures_out)
    by_id = problems.set_index("problem_id")
    rows = [
        {"problem_id": c.tag, "sample": c.sample, "question": by_id.at[c.tag, "question"],
         "gold": by_id.at[c.tag, "answer"], **c.record(job.answer_marker)}
        for c in completions
    ]
    traces = pd.DataFrame(rows, columns=columns("trace") + EXTRA_COLUMNS)
    traces["cost_usd"] = traces["cost_usd"].astype("float64")  # unknown (local models) -> NaN
    return traces
