"""Hashes of each stage's sources, so code changes cannot slip past the version constants.

A stage's sources are found, not listed: its CLI module (`cli/<stage>.py`) and every module of the package it
imports, directly or through other modules (imports inside functions included), plus the files a module runs or
reads by path (`RUN_BY_PATH`). The version machinery itself is left out.
"""

from __future__ import annotations

import ast
import hashlib
import json
from pathlib import Path

from styledistill.versions import STAGE_VERSIONS

PACKAGE = "styledistill"
PACKAGE_DIR = Path(__file__).resolve().parent
LOCK_FILE = PACKAGE_DIR / "stage_sources.json"
NOT_HASHED = {"versions.py", "stage_hashes.py"}
# Files a module uses without importing them: scripts it starts in another interpreter.
RUN_BY_PATH = {"generation/vllm_backend.py": ["generation/vllm_worker.py"]}


def _module_file(dotted: str) -> Path | None:
    """The file of a module `styledistill.a.b` (a.b.py or a/b/__init__.py), or None if it is not one."""
    parts = dotted.split(".")[1:]
    base = PACKAGE_DIR.joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imported(file: Path) -> set[Path]:
    """Package modules `file` imports (and the packages they sit in)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] == PACKAGE)
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == PACKAGE:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)  # names that are submodules
    files = set()
    for dotted in found:
        parts = dotted.split(".")
        for depth in range(2, len(parts) + 1):  # the module and its parent packages
            if (module := _module_file(".".join(parts[:depth]))) is not None:
                files.add(module)
    return files


def sources(stage: str) -> list[Path]:
    """Every file whose code decides the outputs of `stage`, sorted."""
    todo = [PACKAGE_DIR / "cli" / f"{stage}.py", PACKAGE_DIR / "__init__.py", PACKAGE_DIR / "cli" / "__init__.py"]
    seen: set[Path] = set()
    while todo:
        file = todo.pop()
        if file in seen:
            continue
        seen.add(file)
        todo.extend(_imported(file))
        todo.extend(PACKAGE_DIR / extra for extra in RUN_BY_PATH.get(str(file.relative_to(PACKAGE_DIR)), []))
    return sorted(f for f in seen if str(f.relative_to(PACKAGE_DIR)) not in NOT_HASHED)


def stage_hash(stage: str) -> str:
    digest = hashlib.sha256()
    for file in sources(stage):
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
