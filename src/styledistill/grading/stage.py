"""The grade stage: each trace's final answer against its gold answer (math-verify), counted by method.

The answer graded is `answer_text`, or, when that is empty (e.g. a truncated trace), the last paragraph of
`reasoning`.
"""

from __future__ import annotations

import logging
from collections import Counter

from styledistill.grading.settings import GradeSettings
from styledistill.io import read_table, write_table

PROGRESS_MIN_ROWS = 500
log = logging.getLogger(__name__)


def run(traces: str, out: str, settings: GradeSettings, processes: int, stage: str, version: int) -> None:
    from styledistill.grading.answers import answer_or_last_paragraph
    from styledistill.grading.pool import grade_many

    df = read_table(traces, "trace")
    texts = [answer_or_last_paragraph(a, r) for a, r in zip(df["answer_text"], df["reasoning"])]
    golds = [g if isinstance(g, str) else "" for g in df["gold"]]
    grades = grade_many(texts, golds, processes, progress=len(df) >= PROGRESS_MIN_ROWS)
    df["correct"] = [g.correct for g in grades]
    df["extracted"] = [g.extracted for g in grades]
    df["grade_method"] = [g.method for g in grades]

    correct = int(df["correct"].sum())
    by_method = dict(sorted(Counter(df["grade_method"]).items()))
    correct_by_method = {m: int(df.loc[df["grade_method"] == m, "correct"].sum()) for m in by_method}
    write_table(df, out, "graded_trace", stage, version, correct=correct,
                by_method={m: int(n) for m, n in by_method.items()})
    share = f"{correct / len(df):.1%}" if len(df) else "n/a"
    log.info("graded %d traces: %d correct (%s); by method: %s", len(df), correct, share,
             ", ".join(f"{m} {n} ({correct_by_method[m]} correct)" for m, n in by_method.items()) or "none")
