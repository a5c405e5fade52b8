"""Stage report: scores.csv, a Markdown table in the paper's layout, and a plot."""

from __future__ import annotations

from collections.abc import Sequence

from styledistill.cli._common import load_job, parser, run
from styledistill.errors import UserError
from styledistill.io import atomic_write_text, read_json, write_manifest
from styledistill.versions import version

STAGE = "report"


def main(argv: Sequence[str] | None = None) -> None:
    p = parser(STAGE, __doc__)
    p.add_argument("--scores", nargs="+", required=True, help="scores.json files written by evaluate")
    p.add_argument("--csv", required=True, help="scores.csv to write")
    p.add_argument("--markdown", required=True, help="scores.md to write")
    p.add_argument("--plot", required=True, help="scores.png to write")
    args = p.parse_args(argv)
    from styledistill.report.settings import ReportSettings

    settings = ReportSettings.from_spec(load_job(args.spec)["stage"], "--spec: stage")
    from styledistill.report.plots import plot_scores
    from styledistill.report.tables import paper_layout, scores_frame, to_markdown

    scores = scores_frame([read_json(path) for path in args.scores])
    missing = {"family", "variant", "benchmark", "pass@1"} - set(scores.columns)
    if missing:
        raise UserError(f"{args.scores[0]}: scores lack {sorted(missing)}")
    order = settings.variant_order or []
    atomic_write_text(args.csv, scores.to_csv(index=False, float_format="%.4f"))
    table = paper_layout(scores, order)
    intro = ("pass@1 (%) ± standard error over problems; rows: student family × benchmark; "
             "columns: the base student, then the student fine-tuned on each variant.\n\n")
    atomic_write_text(args.markdown, "# Scores\n\n" + intro + to_markdown(table))
    plot_scores(scores, order, args.plot)
    write_manifest(args.csv, STAGE, version(STAGE), rows=len(scores))


if __name__ == "__main__":
    raise SystemExit(run(main))
