"""Stage prepare_model: fetch or build a model and save it as a plain Hugging Face directory."""

from __future__ import annotations

from styledistill.cli._common import run, stage_cli

main = stage_cli("prepare_model", __doc__, "models.prepare_model")

if __name__ == "__main__":
    raise SystemExit(run(main))
