"""The report stage: scores.csv, a Markdown table in the paper's layout, and a plot, all written or none."""

from __future__ import annotations

from styledistill.errors import UserError
from styledistill.io import all_or_none, atomic_write_text, read_json, write_manifest
from styledistill.report.settings import ReportSettings

INTRO = ("pass@1 (%) ± standard error over problems; rows: student family × benchmark; "
         "columns: the base student, then the student fine-tuned on each variant.\n\n")


def run(score_files: list[str], csv: str, markdown: str, plot: str, settings: ReportSettings, stage: str,
        version: int) -> None:
    from styledistill.report.plots import plot_scores
    from styledistill.report.tables import paper_layout, scores_frame, to_markdown

    scores = scores_frame([read_json(path) for path in score_files])
    missing = {"family", "variant", "benchmark", "pass@1"} - set(scores.columns)
    if missing:
        raise UserError(f"{score_files[0]}: scores lack {sorted(missing)}")
    order = settings.variant_order or []
    with all_or_none(csv, markdown, plot):
        atomic_write_text(csv, scores.to_csv(index=False, float_format="%.4f"))
        atomic_write_text(markdown, "# Scores\n\n" + INTRO + to_markdown(paper_layout(scores, order)))
        plot_scores(scores, order, plot)
        write_manifest(csv, stage, version, rows=len(scores))
