"""The dry run's file checks are remembered by the file's size and modification time and the settings: a passing
check runs once, a changed file or setting runs it again, a failing one is never remembered."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from styledistill.config.check_cache import cached_check


def test_a_passing_check_runs_once_per_file_state_and_settings(tmp_path: Path) -> None:
    data, cache, calls = tmp_path / "traces.jsonl", tmp_path / "cache", []
    data.write_text('{"a": 1}\n')
    check = lambda: calls.append(1)  # noqa: E731
    assert cached_check([str(data)], {"k": 1}, check, cache) and len(calls) == 1
    assert not cached_check([str(data)], {"k": 1}, check, cache) and len(calls) == 1
    assert cached_check([str(data)], {"k": 2}, check, cache) and len(calls) == 2  # other settings
    data.write_text('{"a": 1}\n{"a": 2}\n')
    stat = data.stat()
    os.utime(data, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert cached_check([str(data)], {"k": 1}, check, cache) and len(calls) == 3  # the file changed


def test_a_failing_check_is_never_remembered(tmp_path: Path) -> None:
    data = tmp_path / "bad.jsonl"
    data.write_text("not json\n")

    def check() -> None:
        raise ValueError("row 1 is not JSON")

    for _ in range(2):
        with pytest.raises(ValueError):
            cached_check([str(data)], {}, check, tmp_path / "cache")
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").iterdir())
