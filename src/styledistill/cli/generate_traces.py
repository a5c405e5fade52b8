"""Stage generate_traces: a teacher answers each problem n times, in shards that `merge` joins."""

from __future__ import annotations

from styledistill.cli._common import run, stage_cli

main = stage_cli("generate_traces", __doc__, {"generate": "traces.generate_traces", "merge": "traces.merge_traces"})

if __name__ == "__main__":
    raise SystemExit(run(main))
