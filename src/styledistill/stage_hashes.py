"""Hashes of each stage's sources, so code changes cannot slip past the version constants."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from styledistill.versions import STAGE_SOURCES, STAGE_VERSIONS

PACKAGE_DIR = Path(__file__).resolve().parent
LOCK_FILE = PACKAGE_DIR / "stage_sources.json"


def _files(rel: str) -> list[Path]:
    path = PACKAGE_DIR / rel
    if path.is_dir():
        return sorted(p for p in path.rglob("*.py") if "__pycache__" not in p.parts)
    return [path]


def stage_hash(stage: str) -> str:
    digest = hashlib.sha256()
    for rel in STAGE_SOURCES[stage]:
        for file in _files(rel):
            digest.update(str(file.relative_to(PACKAGE_DIR)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def current() -> dict[str, dict[str, object]]:
    return {stage: {"version": STAGE_VERSIONS[stage], "sources": stage_hash(stage)} for stage in STAGE_VERSIONS}


def recorded() -> dict[str, dict[str, object]]:
    return json.loads(LOCK_FILE.read_text()) if LOCK_FILE.exists() else {}


def record() -> str:
    LOCK_FILE.write_text(json.dumps(current(), indent=2, sort_keys=True) + "\n")
    return f"recorded {LOCK_FILE}"
