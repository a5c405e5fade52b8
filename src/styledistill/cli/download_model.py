"""Stage prepare_model, its download: a hub model's files into the download cache, nothing loaded (light enough for
the submitting host)."""

from __future__ import annotations

from styledistill.cli._common import run, stage_cli

main = stage_cli("download_model", __doc__, "models.download_model")

if __name__ == "__main__":
    raise SystemExit(run(main))
