"""Stage report: scores in the paper's layout beside the paper's numbers, the style-transfer table, plots, the
grading audit of every evaluation, and the landing page of `snakemake --report`."""

from __future__ import annotations

from styledistill.cli._common import run, stage_cli

main = stage_cli("report", __doc__, "report.report")

if __name__ == "__main__":
    raise SystemExit(run(main))
