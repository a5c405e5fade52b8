"""Stage simulate_traces: a simulated teacher (not a model) writes traces of a known, planted style (record "trace"),
and records what it planted (record "planted")."""

from __future__ import annotations

from styledistill.cli._common import run, stage_cli

main = stage_cli("simulate_traces", __doc__, "simulation.simulate_traces")

if __name__ == "__main__":
    raise SystemExit(run(main))
