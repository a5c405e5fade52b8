"""Stage build_st: the ST set — correct teacher traces only, one per problem, size cap."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from styledistill.cli._common import load_job, parser, run
from styledistill.errors import UserError
from styledistill.io import read_table, write_table
from styledistill.st.select import select_st
from styledistill.st.settings import BuildStSettings
from styledistill.versions import version

STAGE = "build_st"
log = logging.getLogger(STAGE)


def main(argv: Sequence[str] | None = None) -> None:
    p = parser(STAGE, __doc__)
    p.add_argument("--graded", required=True, help="graded traces (record: graded_trace)")
    p.add_argument("--out", required=True, help="st.parquet to write (record: st)")
    args = p.parse_args(argv)
    settings = BuildStSettings.from_spec(load_job(args.spec)["stage"], "--spec: stage")
    graded = read_table(args.graded, "graded_trace")
    st = select_st(graded, settings)
    n_problems = graded["problem_id"].nunique()
    log.info("ST: %d of %d problems have a correct trace (%d traces graded)", len(st), n_problems, len(graded))
    if len(st) < settings.min_size:
        raise UserError(f"{args.graded}: only {len(st)} problem(s) have a correct, complete trace; "
                        f"build_st.min_size is {settings.min_size}")
    write_table(st, args.out, "st", STAGE, version(STAGE), problems_graded=int(n_problems))


if __name__ == "__main__":
    raise SystemExit(run(main))
