"""Rule grade: each trace's final answer against its gold answer with the dataset's grader (math, integer, number,
choice) → record "graded_trace"; a second, independent opinion on each, and the audit of where they disagree
(record "grade_audit", and a Markdown page).

The answer graded is `answer_text`, or, when that is empty (e.g. a truncated trace), the last paragraph of
`reasoning` (grading.extract.graded_part). The spec's `stage` holds the grader and the time limit of one grade
(grading/settings.py).
"""

from __future__ import annotations

import argparse
import logging

from styledistill.cli._common import load_job
from styledistill.grading.settings import GradeSettings
from styledistill.io import all_or_none, atomic_write_text, read_table, write_table

RULE = "grade"
PROGRESS_MIN_ROWS = 500
log = logging.getLogger(__name__)


def run(traces: str, out: str, audit_out: str, audit_md: str, settings: GradeSettings, workers: int,
        version: int | None) -> None:
    from styledistill.grading import audit
    from styledistill.grading.extract import graded_part
    from styledistill.grading.pool import grade_many

    df = read_table(traces, "trace")
    texts = [graded_part(a, r) for a, r in zip(df["answer_text"], df["reasoning"])]
    graded = grade_many(settings.grader, texts, list(df["gold"]), seconds=settings.seconds, workers=workers,
                        progress=len(df) >= PROGRESS_MIN_ROWS)
    df = audit.add_grades(df, graded, settings.grader)
    summary = audit.counts(graded, audit.source_labels(df))
    disagreements = audit.audit(df, texts, "gold")
    with all_or_none(out, audit_out, audit_md):
        write_table(df, out, "graded_trace", RULE, version, **summary)
        write_table(disagreements, audit_out, "grade_audit", RULE, version)
        atomic_write_text(audit_md, audit.markdown(disagreements, summary, f"Grading audit: {traces}"))
    if "labelled" in summary:
        log.info("%d traces carry their source's own label: ours differs on %d", summary["labelled"],
                 summary["label_disagreements"])
    share = f"{summary['correct'] / len(df):.1%}" if len(df) else "n/a"
    log.info("graded %d traces with grader %s: %d correct (%s), %d over the time limit, %d disagreements with the "
             "second opinion; by method: %s", len(df), settings.grader, summary["correct"], share,
             summary["timeouts"], summary["disagreements"], summary["by_method"] or "none")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--traces", required=True, help="traces.parquet (record trace)")
    p.add_argument("--out", required=True, help="graded.parquet to write (record graded_trace)")
    p.add_argument("--audit", required=True, help="grade_audit.parquet to write (record grade_audit)")
    p.add_argument("--audit-md", required=True, help="grade_audit.md to write (the audit for people)")


def main(args: argparse.Namespace) -> None:
    job = load_job(args.spec)
    settings = GradeSettings.from_spec(job["stage"], "--spec: stage")
    run(args.traces, args.out, args.audit, args.audit_md, settings, args.threads, job.version)
