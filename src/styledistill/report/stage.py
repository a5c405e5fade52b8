"""The report stage: scores.csv, a Markdown table in the paper's layout, a plot, and the grading audit of every
evaluation, all written or none."""

from __future__ import annotations

from styledistill.errors import UserError
from styledistill.io import all_or_none, atomic_write_text, read_json, write_manifest
from styledistill.report.settings import ReportSettings

INTRO = ("pass@1 (%) ± standard error over problems; rows: student family × benchmark; "
         "columns: the base student, then the student fine-tuned on each variant.\n\n")


def run(score_files: list[str], audit_files: list[str], csv: str, markdown: str, plot: str, audit: str,
        audit_md: str, settings: ReportSettings, stage: str, version: int) -> None:
    from styledistill.report.grading import write_audit
    from styledistill.report.plots import plot_scores
    from styledistill.report.tables import paper_layout, scores_frame, to_markdown

    scores = scores_frame([read_json(path) for path in score_files])
    missing = {"family", "variant", "benchmark", "pass@1"} - set(scores.columns)
    if missing:
        raise UserError(f"{score_files[0]}: scores lack {sorted(missing)}")
    order = settings.variant_order or []
    if len(audit_files) != len(score_files):
        raise UserError(f"report: {len(score_files)} scores files but {len(audit_files)} audit tables")
    with all_or_none(csv, markdown, plot, audit, audit_md):
        atomic_write_text(csv, scores.to_csv(index=False, float_format="%.4f"))
        atomic_write_text(markdown, "# Scores\n\n" + INTRO + to_markdown(paper_layout(scores, order)))
        plot_scores(scores, order, plot)
        write_manifest(csv, stage, version, rows=len(scores))
        write_audit(score_files, audit_files, audit, audit_md, stage, version)
