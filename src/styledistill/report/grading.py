"""The grading audit of every evaluation in one place: each disagreement between a grader and the second opinion,
labelled with the student, variant and benchmark, and per evaluation how many samples timed out or disagree."""

from __future__ import annotations

import pandas as pd

from styledistill.io import atomic_write_text, read_json, read_table, write_table
from styledistill.markdown import cell, right_or_wrong, table
from styledistill.report.tables import ID_COLUMNS

ROWS_SHOWN = 100
# what each evaluation's scores.json holds under "grading" (grading.audit.counts) -> column
GRADING_COLUMNS = {"grader": "grader", "graded": "graded", "correct": "correct", "timeouts": "over time limit",
                   "disagreements": "disagreements"}


def _labels(scores: dict) -> dict[str, str]:
    return {column: scores.get(column, "") for column in ID_COLUMNS}


def write_audit(score_files: list[str], audit_files: list[str], out: str, markdown: str, stage: str,
                version: int) -> None:
    scores = [read_json(path) for path in score_files]
    parts = [read_table(path, "grade_audit").assign(**_labels(s)) for s, path in zip(scores, audit_files)]
    audit = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    write_table(audit, out, "grade_audit", stage, version, disagreements=len(audit))
    summary = [[*_labels(s).values(), *(_grading(s, key) for key in GRADING_COLUMNS)] for s in scores]
    lines = ["# Grading audit", "",
             "Every student sample is graded twice: by the benchmark's grader and by an independent second opinion "
             "(grading/second_opinion.py). Where they disagree, one of them was fooled; read the two extractions.",
             "", table([*ID_COLUMNS, *GRADING_COLUMNS.values()], summary), ""]
    if len(audit):
        shown = audit.head(ROWS_SHOWN)
        lines += ["## Disagreements", "",
                  table(["family", "teacher", "dataset", "variant", "benchmark", "problem", "gold", "grader", "verdict",
                         "second opinion", "verdict"],
                        [[r.family, r.teacher, r.dataset, r.variant, r.benchmark, r.problem_id, cell(r.gold),
                          cell(r.extracted),
                          right_or_wrong(r.correct), cell(r.second_extracted), right_or_wrong(r.second_correct)]
                         for r in shown.itertuples()]), ""]
    atomic_write_text(markdown, "\n".join(lines))


def _grading(scores: dict, key: str) -> object:
    return (scores.get("grading") or {}).get(key, "")
