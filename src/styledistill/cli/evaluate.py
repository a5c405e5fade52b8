"""Stage evaluate: a student (base or fine-tuned) answers a benchmark; answers are graded and scored."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from styledistill.cli._common import add_generation_args, load_spec, parser, read_problems, run, set_threads
from styledistill.generation.jobs import GENERATION_KEYS, failures_path, generate_chats
from styledistill.io import write_json, write_table
from styledistill.prompting import student_messages
from styledistill.reasoning import split_completion
from styledistill.versions import version

STAGE = "evaluate"
SPEC_KEYS = GENERATION_KEYS | {"n_samples", "system_prompt", "answer_marker", "limit", "pass_k", "labels"}


def main(argv: Sequence[str] | None = None) -> None:
    p = parser(STAGE, __doc__)
    p.add_argument("--problems", required=True, help="benchmark problems.parquet (record: problem)")
    p.add_argument("--model", required=True, help="student model directory (prepared or fine-tuned)")
    p.add_argument("--out", required=True, help="samples.parquet to write (record: eval_sample)")
    p.add_argument("--scores", required=True, help="scores.json to write")
    add_generation_args(p)
    args = p.parse_args(argv)
    spec = load_spec(args.spec, SPEC_KEYS)
    set_threads(args.threads)
    from styledistill.evaluation.scoring import score
    from styledistill.grading.pool import grade_many

    problems = read_problems(args.problems, spec.get("limit"))
    chats = [(r.problem_id, student_messages(r.question, spec.get("system_prompt"))) for r in problems.itertuples()]
    completions = generate_chats(chats, int(spec.get("n_samples", 1)), args.model, args.store, spec,
                                 failures_out=failures_path(args.out), gpus=args.gpus)
    gold = dict(zip(problems["problem_id"], problems["answer"]))
    splits = [split_completion(c.response.text, spec.get("answer_marker"), c.response.reasoning_content)
              for c in completions]
    grades = grade_many([s.answer_text or s.reasoning for s in splits], [gold[c.tag] for c in completions],
                        processes=args.threads)
    samples = pd.DataFrame([
        {
            "problem_id": c.tag,
            "sample": c.sample,
            "text": c.response.text,
            "reasoning": s.reasoning,
            "answer_text": s.answer_text,
            "finish_reason": c.response.finish_reason,
            "truncated": c.response.finish_reason == "length" or s.unclosed_think,
            "correct": g.correct,
            "extracted": g.extracted,
            "grade_method": g.method,
        }
        for c, s, g in zip(completions, splits, grades)
    ])
    write_table(samples, args.out, "eval_sample", STAGE, version(STAGE))
    ks = tuple(int(k) for k in spec.get("pass_k", [1]))
    write_json(args.scores, {**spec.get("labels", {}), **score(samples, ks)})


if __name__ == "__main__":
    raise SystemExit(run(main))
