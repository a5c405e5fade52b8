"""Rule simulate_traces: a simulated teacher writes n traces per problem in a planted style (record "trace"), and
what it planted in each (record "planted": the spans of every pivot and stage, backtracking, the ending).

The spec's `stage` holds the style (simulation/settings.py). Each trace is a function of the style, the problem and
the sample index alone (its own random stream), so adding problems or samples leaves the others as they were. The
problems must carry their worked solution (column `solution`: the built-in generator writes it).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging

import numpy as np
import pandas as pd

from styledistill.cli._common import load_job
from styledistill.errors import UserError
from styledistill.problems.builtin import Step
from styledistill.records import columns
from styledistill.settings import only_keys
from styledistill.simulation.settings import SimulatedStyle, SimulatedTeacher
from styledistill.simulation.writer import SimulatedTrace, Writer

RULE = "simulate_traces"
log = logging.getLogger(__name__)


def stream(seed: int, problem_id: str, sample: int) -> np.random.Generator:
    """The random stream of one trace."""
    key = int.from_bytes(hashlib.sha256(problem_id.encode("utf-8")).digest()[:8], "big")
    return np.random.default_rng(np.random.SeedSequence([seed, key, sample]))


def solution(value: object, where: str) -> list[Step]:
    """The steps of a problem's `solution` column."""
    if not isinstance(value, str) or not value:
        raise UserError(f"{where}: has no worked solution (column solution); a simulated teacher needs problems of "
                        "the built-in generator (source: builtin)")
    try:
        steps = [Step(str(expr), str(val)) for expr, val in json.loads(value)]
    except (ValueError, TypeError) as exc:
        raise UserError(f"{where}: column solution is not a JSON list of [expression, value] steps: {exc}") from None
    if not steps:
        raise UserError(f"{where}: column solution lists no steps")
    return steps


def simulate(problems: pd.DataFrame, style: SimulatedTeacher, where: str = "problems") -> tuple[pd.DataFrame,
                                                                                                pd.DataFrame]:
    """(traces, planted) for every problem and sample."""
    writer = Writer(style)
    style_key = json.dumps(only_keys(style, SimulatedStyle).to_spec(), sort_keys=True)  # not n_samples
    traces, planted = [], []
    for row, problem in enumerate(problems.itertuples()):
        steps = solution(problem.solution, f"{where}: row {row + 1} (problem {problem.problem_id})")
        for sample in range(style.n_samples):
            rng = stream(style.seed, problem.problem_id, sample)
            trace = writer.write(problem.question, steps, rng.random() >= style.wrong, rng)
            key = hashlib.sha256(f"{style_key}\0{problem.problem_id}\0{sample}".encode()).hexdigest()
            traces.append(_trace_row(problem, sample, key, trace))
            planted.append(_planted_row(problem.problem_id, sample, trace))
    return (pd.DataFrame(traces, columns=columns("trace")), pd.DataFrame(planted, columns=columns("planted")))


def _trace_row(problem: object, sample: int, key: str, trace: SimulatedTrace) -> dict[str, object]:
    return {"problem_id": problem.problem_id, "sample": sample, "question": problem.question, "gold": problem.answer,
            "request_key": f"simulated-{key[:32]}", "text": trace.text, "reasoning": trace.reasoning,
            "answer_text": trace.answer_text, "split_method": "think_tags", "finish_reason": "stop",
            "truncated": False, "n_completion_tokens": len(trace.text.split())}


def _planted_row(problem_id: str, sample: int, trace: SimulatedTrace) -> dict[str, object]:
    return {"problem_id": problem_id, "sample": sample, "correct": trace.correct, "final": trace.final,
            "target_words": trace.target_words, "backtracking": trace.backtracking,
            "pivot_spans": json.dumps(trace.pivots, ensure_ascii=False), "stage_spans": json.dumps(trace.stages)}


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--problems", required=True, help="problems.parquet with worked solutions (record: problem)")
    p.add_argument("--out", required=True, help="traces.parquet to write (record: trace)")
    p.add_argument("--planted", required=True, help="planted.parquet to write: what each trace carries (record: "
                   "planted)")


def main(args: argparse.Namespace) -> None:
    from styledistill.io import all_or_none, write_table
    from styledistill.problems.table import read_problems

    job = load_job(args.spec)
    style = SimulatedTeacher.from_spec(job["stage"], "--spec: stage")
    problems = read_problems(args.problems, None)
    traces, planted = simulate(problems, style, args.problems)
    with all_or_none(args.out, args.planted):
        write_table(traces, args.out, "trace", RULE, job.version, simulated=style.to_spec())
        write_table(planted, args.planted, "planted", RULE, job.version)
    log.info("simulated %d traces of %d problems (%d planted wrong)", len(traces), len(problems),
             int((~planted["correct"]).sum()))
