"""Stage make_problems: seed problems for teachers and benchmark problems, in one Parquet schema."""

from __future__ import annotations

from styledistill.cli._common import run, stage_cli

main = stage_cli("make_problems", __doc__, "problems.make_problems")

if __name__ == "__main__":
    raise SystemExit(run(main))
