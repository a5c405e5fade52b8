"""Stage report: scores in the paper's layout beside the paper's numbers, the style-transfer table, plots, the
grading audit of every evaluation, and the landing page of `snakemake --report`."""

from __future__ import annotations

from collections.abc import Sequence

from styledistill.cli._common import load_job, parser, run
from styledistill.versions import version

STAGE = "report"


def main(argv: Sequence[str] | None = None) -> None:
    p = parser(STAGE, __doc__)
    p.add_argument("--scores", nargs="+", required=True, help="scores.json files written by evaluate")
    p.add_argument("--audits", nargs="+", required=True, help="audit.parquet files written by evaluate, in the "
                                                               "order of --scores")
    p.add_argument("--styles", nargs="*", default=[], help="style.json files written by measure_student_style")
    p.add_argument("--csv", required=True, help="scores.csv to write")
    p.add_argument("--markdown", required=True, help="scores.md to write (scores, the paper's, style transfer)")
    p.add_argument("--plot", required=True, help="scores.png to write")
    p.add_argument("--lengths-plot", required=True, help="lengths.png to write (output length by variant)")
    p.add_argument("--style-csv", required=True, help="style_transfer.csv to write")
    p.add_argument("--style-plot", required=True, help="style_transfer.png to write")
    p.add_argument("--audit", required=True, help="grading_audit.parquet to write (every evaluation's disagreements)")
    p.add_argument("--audit-md", required=True, help="grading_audit.md to write")
    p.add_argument("--landing", required=True, help="landing.rst to write (the headline table of the HTML report)")
    args = p.parse_args(argv)
    from styledistill.report import stage
    from styledistill.report.settings import ReportSettings

    job = load_job(args.spec, {"stage", "study"})
    settings = ReportSettings.from_spec(job["stage"], "--spec: stage")
    inputs = stage.Inputs(args.scores, args.audits, args.styles)
    outputs = stage.Outputs(args.csv, args.markdown, args.plot, args.audit, args.audit_md, args.style_csv,
                            args.style_plot, args.lengths_plot, args.landing)
    stage.run(inputs, outputs, settings, job["study"], STAGE, version(STAGE))


if __name__ == "__main__":
    raise SystemExit(run(main))
