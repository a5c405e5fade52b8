"""The dry run's checks of local files, remembered by each file's size and modification time: Snakemake parses the
workflow several times per run, and a 2 GB trace file read at every parse would make `snakemake -n` cost minutes.
A check that passed once is skipped while the files, the settings it checked them against and the checking code
(the recorded rule sources) are unchanged; a failing check is never remembered."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

CACHE_DIR = Path(".snakemake") / "styledistill-checks"
CODE = Path(__file__).resolve().parents[1] / "rule_sources.json"


def check_key(files: list[str], spec: Any) -> str:
    stats = []
    for name in files:
        stat = Path(name).stat()
        stats.append([str(Path(name).resolve()), stat.st_size, stat.st_mtime_ns])
    code = hashlib.sha256(CODE.read_bytes()).hexdigest() if CODE.exists() else ""
    payload = json.dumps({"files": stats, "spec": spec, "code": code}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def cached_check(files: list[str], spec: Any, check: Callable[[], Any], cache_dir: Path = CACHE_DIR) -> bool:
    """Run `check` unless it passed before on these files and settings; True when it ran."""
    if not all(Path(name).is_file() for name in files):
        check()  # the check says what is missing
        return True
    marker = cache_dir / check_key(files, spec)
    if marker.exists():
        return False
    check()
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
    except OSError:  # a read-only directory: the check simply runs again next time
        pass
    return True
