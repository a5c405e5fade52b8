"""Stage grade: grade each trace's final answer against its gold answer with the dataset's grader (math, integer,
number, choice) → record "graded_trace"; a second, independent opinion on each, and the audit of where they
disagree (record "grade_audit", and a Markdown page).

The answer graded is `answer_text`, or, when that is empty (e.g. a truncated trace), the last paragraph of
`reasoning`. The spec's `stage` holds the grader and the time limit of one grade (grading/settings.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from styledistill.cli._common import load_job, parser, run
from styledistill.grading.settings import GradeSettings
from styledistill.versions import version

STAGE = "grade"


def main(argv: Sequence[str] | None = None) -> None:
    p = parser(STAGE, __doc__)
    p.add_argument("--traces", required=True, help="traces.parquet (record trace)")
    p.add_argument("--out", required=True, help="graded.parquet to write (record graded_trace)")
    p.add_argument("--audit", required=True, help="grade_audit.parquet to write (record grade_audit)")
    p.add_argument("--audit-md", required=True, help="grade_audit.md to write (the audit for people)")
    args = p.parse_args(argv)
    settings = GradeSettings.from_spec(load_job(args.spec)["stage"], "--spec: stage")
    from styledistill.grading import stage

    stage.run(args.traces, args.out, args.audit, args.audit_md, settings, args.threads, STAGE, version(STAGE))


if __name__ == "__main__":
    raise SystemExit(run(main))
