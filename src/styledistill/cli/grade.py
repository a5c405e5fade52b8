"""Stage grade: grade each trace's final answer against its gold answer (math-verify) → record "graded_trace".

The answer graded is `answer_text`, or, when that is empty (e.g. a truncated trace), the last paragraph of
`reasoning`. The spec's `stage` takes no keys yet (grading/settings.py).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence

from styledistill.cli._common import load_job, parser, run
from styledistill.grading.settings import GradeSettings
from styledistill.io import read_table, write_table
from styledistill.versions import version

STAGE = "grade"
PROGRESS_MIN_ROWS = 500
log = logging.getLogger(__name__)


def main(argv: Sequence[str] | None = None) -> None:
    p = parser(STAGE, __doc__)
    p.add_argument("--traces", required=True, help="traces.parquet (record trace)")
    p.add_argument("--out", required=True, help="graded.parquet to write (record graded_trace)")
    args = p.parse_args(argv)
    GradeSettings.from_spec(load_job(args.spec)["stage"], "--spec: stage")

    from styledistill.grading.answers import answer_or_last_paragraph
    from styledistill.grading.pool import grade_many

    df = read_table(args.traces, "trace")
    texts = [answer_or_last_paragraph(a, r) for a, r in zip(df["answer_text"], df["reasoning"])]
    golds = [g if isinstance(g, str) else "" for g in df["gold"]]
    grades = grade_many(texts, golds, args.threads, progress=len(df) >= PROGRESS_MIN_ROWS)
    df["correct"] = [g.correct for g in grades]
    df["extracted"] = [g.extracted for g in grades]
    df["grade_method"] = [g.method for g in grades]

    correct = int(df["correct"].sum())
    by_method = dict(sorted(Counter(df["grade_method"]).items()))
    correct_by_method = {m: int(df.loc[df["grade_method"] == m, "correct"].sum()) for m in by_method}
    write_table(df, args.out, "graded_trace", STAGE, version(STAGE), correct=correct,
                by_method={m: int(n) for m, n in by_method.items()})
    share = f"{correct / len(df):.1%}" if len(df) else "n/a"
    log.info("graded %d traces: %d correct (%s); by method: %s", len(df), correct, share,
             ", ".join(f"{m} {n} ({correct_by_method[m]} correct)" for m, n in by_method.items()) or "none")


if __name__ == "__main__":
    raise SystemExit(run(main))
