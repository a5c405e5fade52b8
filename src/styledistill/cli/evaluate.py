"""Stage evaluate: a student (base or fine-tuned) answers a benchmark; answers are graded and scored."""

from __future__ import annotations

from collections.abc import Sequence

from styledistill.cli._common import load_job, parser, run, set_threads
from styledistill.cli._generation import GENERATION_PARTS, add_generation_args, generator
from styledistill.versions import version

STAGE = "evaluate"


def main(argv: Sequence[str] | None = None) -> None:
    p = parser(STAGE, __doc__)
    p.add_argument("--problems", required=True, help="benchmark problems.parquet (record: problem)")
    p.add_argument("--model", required=True, help="student model directory (prepared or fine-tuned)")
    p.add_argument("--out", required=True, help="samples.parquet to write (record: eval_sample)")
    p.add_argument("--scores", required=True, help="scores.json to write")
    p.add_argument("--audit", required=True, help="audit.parquet to write: where the grader and the second "
                                                  "opinion disagree (record: grade_audit)")
    add_generation_args(p)
    args = p.parse_args(argv)
    job = load_job(args.spec, GENERATION_PARTS | {"labels", "grading"})
    from styledistill.evaluation.settings import EvalSettings
    from styledistill.grading.settings import GradeSettings

    settings = EvalSettings.from_spec(job["stage"], "--spec: stage")
    grading = GradeSettings.from_spec(job["grading"], "--spec: grading")
    student = generator(args, job)
    set_threads(args.threads)
    from styledistill.evaluation.run import evaluate

    evaluate(args.problems, args.out, args.scores, args.audit, settings, grading, job["labels"], student,
             args.threads, STAGE, version(STAGE))


if __name__ == "__main__":
    raise SystemExit(run(main))
