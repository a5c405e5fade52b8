"""Hashes of each rule's code, so code changes cannot slip past the rule versions (`rules.py`).

A rule's code is found, not listed: its entry module (`RULES[rule].entry`), the CLI module its shell command runs and
every module of the package those import, directly or through other modules (imports inside functions included),
plus the files a module runs or reads by path (`RUN_BY_PATH`). The CLIs reach their entry modules by name (a string
given to importlib), so one rule's code is not another's just because they share a CLI. The rule table itself is
left out.
"""

from __future__ import annotations

import ast
import hashlib
import json
from pathlib import Path

from styledistill.rules import RULES

PACKAGE = "styledistill"
PACKAGE_DIR = Path(__file__).resolve().parent
LOCK_FILE = PACKAGE_DIR / "rule_sources.json"
NOT_HASHED = {"rules.py", "rule_sources.py"}
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


def entry_file(rule: str) -> Path:
    module = _module_file(f"{PACKAGE}.{RULES[rule].entry}")
    if module is None:
        raise FileNotFoundError(f"rule {rule}: entry module styledistill.{RULES[rule].entry} not found")
    return module


def cli_file(rule: str) -> Path:
    """The CLI module of a rule's stage: `cli/<package>.py` names the entry (as a string) among its commands."""
    entry = f'"{RULES[rule].entry}"'
    found = [f for f in sorted((PACKAGE_DIR / "cli").glob("*.py")) if entry in f.read_text(encoding="utf-8")]
    if len(found) != 1:
        raise LookupError(f"rule {rule}: {len(found)} CLI modules name {entry} (expected one)")
    return found[0]


def sources(rule: str) -> list[Path]:
    """Every file whose code decides the outputs of `rule`, sorted."""
    todo = [entry_file(rule), cli_file(rule), PACKAGE_DIR / "__init__.py"]
    seen: set[Path] = set()
    while todo:
        file = todo.pop()
        if file in seen:
            continue
        seen.add(file)
        todo.extend(_imported(file))
        todo.extend(PACKAGE_DIR / extra for extra in RUN_BY_PATH.get(str(file.relative_to(PACKAGE_DIR)), []))
    return sorted(f for f in seen if str(f.relative_to(PACKAGE_DIR)) not in NOT_HASHED)


def rule_hash(rule: str) -> str:
    digest = hashlib.sha256()
    for file in sources(rule):
        digest.update(str(file.relative_to(PACKAGE_DIR)).encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def current() -> dict[str, dict[str, object]]:
    return {rule: {"version": RULES[rule].version, "sources": rule_hash(rule)} for rule in RULES}


def recorded() -> dict[str, dict[str, object]]:
    return json.loads(LOCK_FILE.read_text()) if LOCK_FILE.exists() else {}


def stale() -> list[str]:
    """Rules whose code changed since it was recorded, at the version it was recorded with."""
    now, then = current(), recorded()
    return [rule for rule, entry in now.items()
            if rule not in then or (then[rule]["sources"] != entry["sources"]
                                    and then[rule]["version"] == entry["version"])]


def record() -> str:
    LOCK_FILE.write_text(json.dumps(current(), indent=2, sort_keys=True) + "\n")
    return f"recorded {LOCK_FILE}"
