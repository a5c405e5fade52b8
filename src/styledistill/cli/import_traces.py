"""Stage import_traces: a teacher's traces from an existing trace dataset instead of a model (record "trace")."""

from __future__ import annotations

from styledistill.cli._common import run, stage_cli

main = stage_cli("import_traces", __doc__, "traces.import_traces")

if __name__ == "__main__":
    raise SystemExit(run(main))
