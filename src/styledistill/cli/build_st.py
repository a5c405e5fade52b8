"""Stage build_st: the ST set — correct teacher traces only, one per problem, size cap."""

from __future__ import annotations

from collections.abc import Sequence

from styledistill.cli._common import load_job, parser, run
from styledistill.st.settings import BuildStSettings
from styledistill.versions import version

STAGE = "build_st"


def main(argv: Sequence[str] | None = None) -> None:
    p = parser(STAGE, __doc__)
    p.add_argument("--graded", required=True, help="graded traces (record: graded_trace)")
    p.add_argument("--out", required=True, help="st.parquet to write (record: st)")
    args = p.parse_args(argv)
    settings = BuildStSettings.from_spec(load_job(args.spec)["stage"], "--spec: stage")
    from styledistill.st import stage

    stage.run(args.graded, args.out, settings, STAGE, version(STAGE))


if __name__ == "__main__":
    raise SystemExit(run(main))
