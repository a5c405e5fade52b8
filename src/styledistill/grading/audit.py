"""What grading adds to a table (the `grade` record's columns), what it counts, and the audit of the samples where
the grader and the second opinion disagree (record `grade_audit`, and a Markdown summary for people)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import pandas as pd

from styledistill.grading.pool import Graded
from styledistill.markdown import cell, right_or_wrong, table

TAIL_SHOWN = 300
ROWS_SHOWN = 50


def add_grades(df: pd.DataFrame, graded: Sequence[Graded], grader: str) -> pd.DataFrame:
    """`df` with the `grade` record's columns, one graded sample per row."""
    out = df.copy()
    out["correct"] = [g.grade.correct for g in graded]
    out["extracted"] = [g.grade.extracted for g in graded]
    out["grade_method"] = [g.grade.method for g in graded]
    out["grader"] = grader
    out["grade_status"] = [g.grade.status for g in graded]
    out["second_correct"] = [g.second.correct for g in graded]
    out["second_extracted"] = [g.second.extracted for g in graded]
    return out


def counts(graded: Sequence[Graded], source_labels: Sequence[bool | None] = ()) -> dict[str, Any]:
    """The summary a stage records: correct, timeouts, disagreements (with the second opinion, and with the
    source's own labels where an imported trace has one), and samples by extraction method."""
    methods = Counter(g.grade.method for g in graded)
    # as in the audit table: a grade over the time limit is counted as a timeout, not as a disagreement
    labelled = [(g, label) for g, label in zip(graded, source_labels)
                if label is not None and g.grade.status == "graded"]
    return {
        "graded": len(graded),
        "correct": sum(g.grade.correct for g in graded),
        "timeouts": sum(g.grade.status == "timeout" for g in graded),
        "disagreements": sum(g.disagree for g in graded),
        **({"labelled": len(labelled), "label_disagreements": sum(g.grade.correct != label for g, label in labelled)}
           if labelled else {}),
        "by_method": dict(sorted(methods.items())),
    }


def source_labels(df: pd.DataFrame) -> list[bool | None]:
    """The source's own label of each row (imported traces), else None."""
    if "source_correct" not in df:
        return [None] * len(df)
    return [None if pd.isna(value) else bool(value) for value in df["source_correct"]]


def audit(df: pd.DataFrame, texts: Sequence[str], gold_column: str) -> pd.DataFrame:
    """The rows of a graded table where the grader disagrees with the second opinion or with the source's own label
    (timeouts are not audited)."""
    labels = pd.Series(source_labels(df), index=df.index, dtype="boolean")
    graded = df["grade_status"] == "graded"
    second = graded & (df["correct"] != df["second_correct"])
    label = graded & labels.notna() & (df["correct"] != labels).fillna(False)
    rows = df.loc[second | label]
    kinds = {(True, False): "second_opinion", (False, True): "source_label", (True, True): "both"}
    return pd.DataFrame({
        "problem_id": rows["problem_id"],
        "sample": rows["sample"],
        "grader": rows["grader"],
        "gold": rows[gold_column],
        "extracted": rows["extracted"],
        "correct": rows["correct"],
        "grade_method": rows["grade_method"],
        "second_extracted": rows["second_extracted"],
        "second_correct": rows["second_correct"],
        "source_correct": labels[rows.index],
        "disagreement": [kinds[(bool(second[i]), bool(label[i]))] for i in rows.index],
        "answer_tail": [texts[i][-TAIL_SHOWN:] for i in rows.index],
    }).reset_index(drop=True)


def markdown(audit_rows: pd.DataFrame, summary: dict[str, Any], title: str) -> str:
    """A page a person reads: the counts, then each disagreement with both extractions."""
    lines = [f"# {title}", "",
             f"{summary['graded']} samples graded, {summary['correct']} correct; {summary['timeouts']} over the time "
             f"limit (graded wrong); the second opinion disagrees on {summary['disagreements']}.", ""]
    if "labelled" in summary:
        lines += [f"{summary['labelled']} samples carry their source's own label; ours differs on "
                  f"{summary['label_disagreements']}.", ""]
    if len(audit_rows):
        shown = audit_rows.head(ROWS_SHOWN)
        lines += [table(["problem", "sample", "gold", "grader", "verdict", "second opinion", "verdict",
                         "source's label"],
                        [[cell(r.problem_id, 30), r.sample, cell(r.gold, 30), cell(r.extracted),
                          right_or_wrong(r.correct), cell(r.second_extracted), right_or_wrong(r.second_correct),
                          "" if pd.isna(r.source_correct) else right_or_wrong(r.source_correct)]
                         for r in shown.itertuples()]), ""]
        if len(audit_rows) > ROWS_SHOWN:
            lines += [f"... and {len(audit_rows) - ROWS_SHOWN} more (the Parquet table lists every one).", ""]
    else:
        lines += ["No disagreements.", ""]
    return "\n".join(lines)
