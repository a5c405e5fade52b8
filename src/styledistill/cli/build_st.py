"""Stage build_st: the ST set — correct teacher traces only, one per problem, size cap."""

from __future__ import annotations

from styledistill.cli._common import run, stage_cli

main = stage_cli("build_st", __doc__, "st.build_st")

if __name__ == "__main__":
    raise SystemExit(run(main))
