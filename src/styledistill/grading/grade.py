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
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pandas as pd

from styledistill.cli._common import load_job
from styledistill.grading.settings import GradeSettings
from styledistill.io import (
    all_or_none,
    arrow_schema,
    atomic_write_text,
    read_table_batches,
    write_table,
    write_table_chunks,
)
from styledistill.records import columns

if TYPE_CHECKING:
    from styledistill.grading.pool import Graded

RULE = "grade"
PROGRESS_MIN_ROWS = 500
CHUNK_ROWS = 20_000  # traces read, graded and written at a time: memory stays flat as the source grows
log = logging.getLogger(__name__)


def run(traces: str, out: str, audit_out: str, audit_md: str, settings: GradeSettings, workers: int,
        version: int | None) -> None:
    from styledistill.grading import audit
    from styledistill.grading.extract import graded_part
    from styledistill.grading.pool import grade_many

    every: list[Graded] = []  # the grades (small), for the summary
    labels: list[bool | None] = []
    audited = [pd.DataFrame(columns=columns("grade_audit"))]

    def graded_chunks() -> Iterator[pd.DataFrame]:
        for df in read_table_batches(traces, "trace", CHUNK_ROWS):
            texts = [graded_part(a, r) for a, r in zip(df["answer_text"], df["reasoning"])]
            graded = grade_many(settings.grader, texts, list(df["gold"]), seconds=settings.seconds, workers=workers,
                                progress=len(df) >= PROGRESS_MIN_ROWS)
            df = audit.add_grades(df, graded, settings.grader)
            every.extend(graded)
            labels.extend(audit.source_labels(df))
            audited.append(audit.audit(df, texts, "gold"))
            yield df

    def summary() -> dict[str, Any]:
        return audit.counts(every, labels)

    with all_or_none(out, audit_out, audit_md):
        write_table_chunks(graded_chunks(), out, "graded_trace", RULE, version, summary=summary,
                           types=arrow_schema(traces, "trace"))
        disagreements = pd.concat(audited, ignore_index=True)
        write_table(disagreements, audit_out, "grade_audit", RULE, version)
        atomic_write_text(audit_md, audit.markdown(disagreements, summary(), f"Grading audit: {traces}"))
    figures = summary()
    if "labelled" in figures:
        log.info("%d traces carry their source's own label: ours differs on %d", figures["labelled"],
                 figures["label_disagreements"])
    share = f"{figures['correct'] / figures['graded']:.1%}" if figures["graded"] else "n/a"
    log.info("graded %d traces with grader %s: %d correct (%s), %d over the time limit, %d disagreements with the "
             "second opinion; by method: %s", figures["graded"], settings.grader, figures["correct"], share,
             figures["timeouts"], figures["disagreements"], figures["by_method"] or "none")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--traces", required=True, help="traces.parquet (record trace)")
    p.add_argument("--out", required=True, help="graded.parquet to write (record graded_trace)")
    p.add_argument("--audit", required=True, help="grade_audit.parquet to write (record grade_audit)")
    p.add_argument("--audit-md", required=True, help="grade_audit.md to write (the audit for people)")


def main(args: argparse.Namespace) -> None:
    job = load_job(args.spec)
    settings = GradeSettings.from_spec(job["stage"], "--spec: stage")
    run(args.traces, args.out, args.audit, args.audit_md, settings, args.threads, job.version)
