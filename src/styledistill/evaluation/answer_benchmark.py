"""Rules answer_base and answer_sft: a student answers one shard of a benchmark, n samples per problem (record
"eval_answer"; plainly, or under budget forcing); rules evaluate_base and evaluate_sft join the shards by index,
grade and score. A benchmark of one shard is answered inside its evaluate job instead."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from styledistill.cli._common import load_job, set_threads
from styledistill.cli._generation import GENERATION_PARTS, add_generation_args, generator
from styledistill.evaluation.budget_forcing import force_budget
from styledistill.evaluation.settings import EvalJob, EvalSettings
from styledistill.evaluation.style_prompt import StylePrompt
from styledistill.generation.generator import Generator, failures_path
from styledistill.io import write_table
from styledistill.problems.table import read_problems, shard_of
from styledistill.prompting import student_messages
from styledistill.records import columns

RULE = "answer"  # answer_base and answer_sft run the same code


def answer(problems: pd.DataFrame, settings: EvalSettings, student: Generator, failures_out: str | Path | None,
           style: StylePrompt | None = None) -> pd.DataFrame:
    """The students' answers to `problems` (record eval_answer), in request order; failed requests left out. With a
    `style` prompt (a prompted baseline), it makes each chat, and the recorded prompt is its user message."""
    prompts = {r.problem_id: settings.prompt.format(question=r.question) for r in problems.itertuples()}
    chats = [(pid, style.messages(prompt) if style else student_messages(prompt, settings.system_prompt))
             for pid, prompt in prompts.items()]
    if style:
        prompts = {pid: chat[-1]["content"] for pid, chat in chats}
    forcing = settings.budget_forcing
    if forcing is None:
        done = [(c, {"thinking_tokens": None, "waits": 0, "forced": False})
                for c in student.complete(chats, settings.n_samples, failures_out)]
    else:
        done = [(f.completion, {"thinking_tokens": f.thinking_tokens, "waits": f.waits, "forced": f.forced})
                for f in force_budget(chats, settings.n_samples, student, forcing, failures_out)]
    gold = dict(zip(problems["problem_id"], problems["answer"]))
    rows = []
    for completion, forced in done:
        record = completion.record(settings.answer_marker)
        rows.append({"problem_id": completion.tag, "sample": completion.sample, "prompt": prompts[completion.tag],
                     **{k: record[k] for k in ("text", "reasoning", "answer_text", "finish_reason", "truncated",
                                               "n_completion_tokens")},
                     "gold": gold[completion.tag], **forced, "computed_on": record["system_fingerprint"]})
    table = pd.DataFrame(rows, columns=columns("eval_answer"))
    return table.astype({"thinking_tokens": "Int64"})


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--problems", required=True, help="benchmark problems.parquet (record: problem)")
    p.add_argument("--model", required=True, help="student model directory (prepared or fine-tuned)")
    p.add_argument("--out", required=True, help="the shard's answers.parquet to write (record: eval_answer)")
    add_generation_args(p)


def main(args: argparse.Namespace) -> None:
    job = load_job(args.spec, GENERATION_PARTS)
    settings = EvalJob.from_spec(job["stage"], "--spec: stage")
    student = generator(args, job)
    set_threads(args.threads)
    problems = shard_of(read_problems(args.problems, settings.limit), settings.shard, settings.shards)
    write_table(answer(problems, settings, student, failures_path(args.out)), args.out, "eval_answer", RULE,
                job.version)
