"""Rules evaluate_base and evaluate_sft: a student (base or fine-tuned) answers a benchmark, n samples per problem
through the generation interface (or the answers of the benchmark's shards are joined by index); answers are graded
and scored. Rules evaluate_prompted and evaluate_styled: the same for a prompted baseline, any model of the registry
untrained (an API model too), asked plainly or with a style prompt filled from a teacher's style profile."""

from __future__ import annotations

import argparse
import json
from typing import Any

import pandas as pd

from styledistill.cli._common import load_job, set_threads
from styledistill.cli._generation import GENERATION_PARTS, add_generation_args, generator
from styledistill.devices import UNRECORDED
from styledistill.errors import UserError
from styledistill.evaluation.answer_benchmark import answer
from styledistill.evaluation.settings import EvalSettings
from styledistill.evaluation.style_prompt import StylePrompt
from styledistill.generation.generator import Generator, failures_path
from styledistill.grading.settings import GradeSettings
from styledistill.io import all_or_none, atomic_write_text, read_json, read_table, write_json, write_table
from styledistill.problems.table import by_position, read_problems
from styledistill.tracking import check_installed, evaluation_run_name, from_environment, log_evaluation

RULE = "evaluate"  # evaluate_base and evaluate_sft run the same code
TRACKED_SAMPLES = 20  # rows of the sample table an experiment tracker gets


def evaluate(problems_path: str, answers: list[str], out: str, scores_path: str, audit_path: str,
             settings: EvalSettings, grading: GradeSettings, labels: dict[str, Any], student: Generator, threads: int,
             version: int | None, style: StylePrompt | None = None) -> None:
    from styledistill.evaluation.scoring import forcing_summary, score
    from styledistill.grading import audit
    from styledistill.grading.extract import graded_part
    from styledistill.grading.pool import grade_many

    problems = read_problems(problems_path, settings.limit)
    samples = (joined(problems, answers, out) if answers
               else answer(problems, settings, student, failures_path(out), style))
    options = {pid: json.loads(o) if isinstance(o, str) else [] for pid, o in zip(problems["problem_id"],
                                                                                  problems["options"])}
    texts = [graded_part(a, r) for a, r in zip(samples["answer_text"], samples["reasoning"])]
    graded = grade_many(grading.grader, texts, list(samples["gold"]), seconds=grading.seconds, workers=threads,
                        choices=[options[pid] for pid in samples["problem_id"]])
    samples = audit.add_grades(samples, graded, grading.grader)
    summary = audit.counts(graded)
    requested = len(problems) * settings.n_samples
    scores = {**labels, **score(samples, tuple(settings.pass_k)), "requested": requested,
              "failed": requested - len(samples), "grading": {"grader": grading.grader, **summary},
              **forcing_summary(samples, settings.budget_forcing), "computed_on": computed_on(samples)}
    with all_or_none(out, scores_path, audit_path):
        write_table(samples, out, "eval_sample", RULE, version, **summary)
        write_table(audit.audit(samples, texts, "gold"), audit_path, "grade_audit", RULE, version)
        write_json(scores_path, scores)
    tracking = from_environment()
    if tracking.report_to:
        shown = samples[["problem_id", "sample", "answer_text", "gold", "correct"]].head(TRACKED_SAMPLES)
        log_evaluation(tracking, evaluation_run_name(labels), scores, shown)


def computed_on(samples: pd.DataFrame) -> str:
    """What computed the answers: one fingerprint, or each with its count of answers ("a (12); b (12)")."""
    counts = samples["computed_on"].fillna(UNRECORDED).value_counts()
    return str(counts.index[0]) if len(counts) == 1 else "; ".join(f"{k} ({n})" for k, n in counts.items())


def joined(problems: pd.DataFrame, answers: list[str], out: str) -> pd.DataFrame:
    """The shards' answers in the order one job writes them, their failure sidecars joined beside `out`."""
    tables = [read_table(path, "eval_answer") for path in answers]
    rows = pd.concat(tables, ignore_index=True)
    if rows.duplicated(["problem_id", "sample"]).any():
        raise UserError(f"--answers: shards overlap (a sample appears in more than one of {answers})")
    unknown = sorted(set(rows["problem_id"]) - set(problems["problem_id"]))
    if unknown:
        raise UserError(f"--answers: problem(s) {unknown[:3]} are not in --problems (answers of another benchmark?)")
    sidecars = [failures_path(path) for path in answers]
    atomic_write_text(failures_path(out), "".join(p.read_text(encoding="utf-8") for p in sidecars if p.exists()))
    return by_position(rows, problems)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--problems", required=True, help="benchmark problems.parquet (record: problem)")
    p.add_argument("--model", help="student model directory (prepared or fine-tuned; none for an API model)")
    p.add_argument("--style-prompt", help="a prompted baseline's style prompt (prompts/style_prompted.yaml): "
                   "{question} and the --profile's fields")
    p.add_argument("--profile", help="the teacher's style_profile.json that fills --style-prompt")
    p.add_argument("--answers", nargs="*", default=[], help="the shards' answers.parquet (rule answer_*; record: "
                   "eval_answer), joined by index instead of answering here (a benchmark of several shards)")
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
    if (args.style_prompt is None) != (args.profile is None):
        raise UserError("--style-prompt and --profile go together (the profile fills the prompt)")
    style = StylePrompt.of(args.style_prompt, read_json(args.profile)) if args.style_prompt else None
    student = generator(args, job)
    set_threads(args.threads)
    evaluate(args.problems, args.answers, args.out, args.scores, args.audit, settings, grading, job["labels"], student,
             args.threads, job.version, style)
