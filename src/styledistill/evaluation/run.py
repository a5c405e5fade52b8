"""A student answers a benchmark: n samples per problem through the generation interface, graded and scored."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from styledistill.evaluation.settings import EvalSettings
from styledistill.generation.jobs import Generator, failures_path
from styledistill.grading.settings import GradeSettings
from styledistill.io import all_or_none, write_json, write_table
from styledistill.problems.table import read_problems
from styledistill.prompting import student_messages


def evaluate(problems_path: str, out: str, scores_path: str, audit_path: str, settings: EvalSettings,
             grading: GradeSettings, labels: dict[str, Any], student: Generator, threads: int, stage: str,
             version: int) -> None:
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
    with all_or_none(out, scores_path, audit_path):
        write_table(samples, out, "eval_sample", stage, version, **summary)
        write_table(audit.audit(samples, texts, "gold"), audit_path, "grade_audit", stage, version)
        write_json(scores_path, {**labels, **score(samples, tuple(settings.pass_k)),
                                 "requested": len(chats) * settings.n_samples,
                                 "failed": len(chats) * settings.n_samples - len(completions),
                                 "grading": {"grader": grading.grader, **summary}})
