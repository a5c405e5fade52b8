"""Rules evaluate_base and evaluate_sft: a student (base or fine-tuned) answers a benchmark, n samples per problem
through the generation interface; answers are graded and scored."""

from __future__ import annotations

import argparse
import json
from typing import Any

import pandas as pd

from styledistill.cli._common import load_job, set_threads
from styledistill.cli._generation import GENERATION_PARTS, add_generation_args, generator
from styledistill.evaluation.settings import EvalSettings
from styledistill.generation.generator import Generator, failures_path
from styledistill.grading.settings import GradeSettings
from styledistill.io import all_or_none, write_json, write_table
from styledistill.problems.table import read_problems
from styledistill.prompting import student_messages
from styledistill.tracking import check_installed, evaluation_run_name, from_environment, log_evaluation

RULE = "evaluate"  # evaluate_base and evaluate_sft run the same code
TRACKED_SAMPLES = 20  # rows of the sample table an experiment tracker gets


def evaluate(problems_path: str, out: str, scores_path: str, audit_path: str, settings: EvalSettings,
             grading: GradeSettings, labels: dict[str, Any], student: Generator, threads: int,
             version: int | None) -> None:
    from styledistill.evaluation.scoring import score
    from styledistill.grading import audit
    from styledistill.grading.extract import graded_part
    from styledistill.grading.pool import grade_many

    problems = read_problems(problems_path, settings.limit)
    prompts = {r.problem_id: settings.prompt.format(question=r.question) for r in problems.itertuples()}
    chats = [(pid, student_messages(prompt, settings.system_prompt)) for pid, prompt in prompts.items()]
    completions = student.complete(chats, settings.n_samples, failures_path(out))
    gold = dict(zip(problems["problem_id"], problems["answer"]))
    options = {pid: json.loads(o) if isinstance(o, str) else [] for pid, o in zip(problems["problem_id"],
                                                                                  problems["options"])}
    records = [c.record(settings.answer_marker) for c in completions]
    texts = [graded_part(r["answer_text"], r["reasoning"]) for r in records]
    graded = grade_many(grading.grader, texts, [gold[c.tag] for c in completions], seconds=grading.seconds,
                        workers=threads, choices=[options[c.tag] for c in completions])
    samples = pd.DataFrame([
        {
            "problem_id": c.tag,
            "sample": c.sample,
            "prompt": prompts[c.tag],
            "text": r["text"],
            "reasoning": r["reasoning"],
            "answer_text": r["answer_text"],
            "finish_reason": r["finish_reason"],
            "truncated": r["truncated"],
            "n_completion_tokens": r["n_completion_tokens"],
            "gold": gold[c.tag],
        }
        for c, r in zip(completions, records)
    ])
    samples = audit.add_grades(samples, graded, grading.grader)
    summary = audit.counts(graded)
    scores = {**labels, **score(samples, tuple(settings.pass_k)), "requested": len(chats) * settings.n_samples,
              "failed": len(chats) * settings.n_samples - len(completions),
              "grading": {"grader": grading.grader, **summary}}
    with all_or_none(out, scores_path, audit_path):
        write_table(samples, out, "eval_sample", RULE, version, **summary)
        write_table(audit.audit(samples, texts, "gold"), audit_path, "grade_audit", RULE, version)
        write_json(scores_path, scores)
    tracking = from_environment()
    if tracking.report_to:
        shown = samples[["problem_id", "sample", "answer_text", "gold", "correct"]].head(TRACKED_SAMPLES)
        log_evaluation(tracking, evaluation_run_name(labels), scores, shown)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--problems", required=True, help="benchmark problems.parquet (record: problem)")
    p.add_argument("--model", required=True, help="student model directory (prepared or fine-tuned)")
    p.add_argument("--out", required=True, help="samples.parquet to write (record: eval_sample)")
    p.add_argument("--scores", required=True, help="scores.json to write")
    p.add_argument("--audit", required=True, help="audit.parquet to write: where the grader and the second "
                                                  "opinion disagree (record: grade_audit)")
    add_generation_args(p)


def main(args: argparse.Namespace) -> None:
    job = load_job(args.spec, GENERATION_PARTS | {"labels", "grading"})
    check_installed(from_environment())
    settings = EvalSettings.from_spec(job["stage"], "--spec: stage")
    grading = GradeSettings.from_spec(job["grading"], "--spec: grading")
    student = generator(args, job)
    set_threads(args.threads)
    evaluate(args.problems, args.out, args.scores, args.audit, settings, grading, job["labels"], student,
             args.threads, job.version)
