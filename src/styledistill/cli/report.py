"""Stage report: scores.csv, a Markdown table in the paper's layout, a plot, and the grading audit of every
evaluation."""

from __future__ import annotations

from collections.abc import Sequence

from styledistill.cli._common import load_job, parser, run
from styledistill.versions import version

STAGE = "report"


def main(argv: Sequence[str] | None = None) -> None:
    p = parser(STAGE, __doc__)
    p.add_argument("--scores", nargs="+", required=True, help="scores.json files written by evaluate")
    p.add_argument("--csv", required=True, help="scores.csv to write")
    p.add_argument("--markdown", required=True, help="scores.md to write")
    p.add_argument("--plot", required=True, help="scores.png to write")
    p.add_argument("--audits", nargs="+", required=True, help="audit.parquet files written by evaluate, in the "
                                                               "order of --scores")
    p.add_argument("--audit", required=True, help="grading_audit.parquet to write (every evaluation's disagreements)")
    p.add_argument("--audit-md", required=True, help="grading_audit.md to write")
    args = p.parse_args(argv)
    from styledistill.report import stage
    from styledistill.report.settings import ReportSettings

    settings = ReportSettings.from_spec(load_job(args.spec)["stage"], "--spec: stage")
    stage.run(args.scores, args.audits, args.csv, args.markdown, args.plot, args.audit, args.audit_md, settings,
              STAGE, version(STAGE))


if __name__ == "__main__":
    raise SystemExit(run(main))
