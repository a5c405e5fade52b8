"""Rule generate_traces: a teacher answers the problems of one shard, n samples each; reasoning and answer are
split, one trace row per sample (record "trace").

The spec's `stage` holds n_samples, answer_marker, limit, and the job's `shard` of `shards`: a job answers only
problems i with i mod shards == shard (rule merge_traces joins the shards).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from styledistill.cli._common import load_job, set_threads
from styledistill.cli._generation import GENERATION_PARTS, add_generation_args, generator
from styledistill.generation.generator import Generator
from styledistill.problems.table import shard_of
from styledistill.prompting import PromptTemplate
from styledistill.records import columns
from styledistill.traces.settings import TraceJob

RULE = "generate_traces"
# Kept beside the trace record's columns: not failures, but worth seeing.
EXTRA_COLUMNS = ["empty", "n_prompt_tokens", "cost_usd", "served_model"]


def answer(problems: pd.DataFrame, template: PromptTemplate, job: TraceJob, generator: Generator,
           failures_out: str | Path) -> pd.DataFrame:
    """The trace table of this job's shard of `problems`."""
    problems = shard_of(problems, job.shard, job.shards)
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


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--problems", required=True, help="problems.parquet (record: problem)")
    p.add_argument("--model", help="prepared teacher model directory (backends transformers and vllm; backend "
                                   "litellm takes the model from the spec's provider instead)")
    p.add_argument("--prompt", required=True, help="prompt template YAML with a {question} placeholder")
    p.add_argument("--out", required=True, help="traces.parquet to write (record: trace)")
    add_generation_args(p)


def main(args: argparse.Namespace) -> None:
    from styledistill.generation.generator import failures_path
    from styledistill.io import write_table
    from styledistill.problems.table import read_problems
    from styledistill.prompting import load_prompt
    from styledistill.traces.settings import PROMPT_FIELDS

    job = load_job(args.spec, GENERATION_PARTS)
    settings = TraceJob.from_spec(job["stage"], "--spec: stage")
    teacher = generator(args, job)
    set_threads(args.threads)
    problems = read_problems(args.problems, settings.limit)
    template = load_prompt(args.prompt, required=PROMPT_FIELDS, allowed=PROMPT_FIELDS)
    traces = answer(problems, template, settings, teacher, failures_path(args.out))
    write_table(traces, args.out, "trace", RULE, job.version)
