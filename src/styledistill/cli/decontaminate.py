"""Stage decontaminate: a training set's problems checked against the study's benchmarks (shared word n-grams after
normalisation, optionally fuzzy matches) and against one another, before any teacher sees them."""

from __future__ import annotations

from styledistill.cli._common import run, stage_cli

main = stage_cli("decontaminate", __doc__, "decontamination.decontaminate")

if __name__ == "__main__":
    raise SystemExit(run(main))
