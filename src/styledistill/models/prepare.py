"""Prepare one model directory: built in a staging directory, published whole with its manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from styledistill.errors import UserError
from styledistill.io import staged_dir, write_manifest
from styledistill.models.sources import SOURCES, Where
from styledistill.settings import pick


def prepare(spec: dict[str, Any], out: Path, where: Where, stage: str, version: int) -> None:
    """Prepare the model `spec` describes into `out` (replacing it), or fail leaving nothing behind."""
    source = pick(SOURCES, spec, "source", "--spec: stage")
    settings = source.settings.from_spec(spec, "--spec: stage")
    if source.prepare is None:
        raise UserError(f"--spec: stage.source: a {settings.source} model has nothing to prepare")
    with staged_dir(out) as tmp:
        source.prepare(settings, tmp, where)
        write_manifest(tmp, stage, version, rows=None, source=settings.source)
