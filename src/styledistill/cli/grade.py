"""Stage grade: grade each trace's final answer against its gold answer (math-verify) → record "graded_trace".

The answer graded is `answer_text`, or, when that is empty (e.g. a truncated trace), the last paragraph of
`reasoning`. The spec's `stage` takes no keys yet (grading/settings.py).
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
    args = p.parse_args(argv)
    settings = GradeSettings.from_spec(load_job(args.spec)["stage"], "--spec: stage")
    from styledistill.grading import stage

    stage.run(args.traces, args.out, settings, args.threads, STAGE, version(STAGE))


if __name__ == "__main__":
    raise SystemExit(run(main))
