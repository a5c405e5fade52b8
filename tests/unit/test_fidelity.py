"""The README's fidelity table says what experiments/paper.yaml resolves to: each `ours` cell is a config path and
its value, checked against the study the overlay makes (config.yaml + the overlay, defaults included)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import yaml

from styledistill.cli.check import BASE, check
from tests.conftest import REPO

PATH_PART = re.compile(r"([^.\[\]]+)|\[([^\]]+)\]")


def fidelity_rows() -> list[list[str]]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = text[text.index("**Fidelity.**"):].split("\n\n")[1]
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in block.splitlines()]
    return [row for row in rows[2:] if row]  # past the header and its rule


def resolve(obj: Any, path: str) -> Any:
    for attribute, key in PATH_PART.findall(path):
        name = attribute or key
        if isinstance(obj, Mapping):
            obj = obj[name]
        elif hasattr(obj, name):
            obj = getattr(obj, name)
        else:
            obj = obj[name]
    return obj


def test_the_fidelity_table_matches_the_paper_overlay() -> None:
    study, problems = check([str(REPO / BASE), str(REPO / "experiments" / "paper.yaml")])
    assert not problems
    rows = fidelity_rows()
    assert len(rows) >= 20 and all(len(row) == 5 for row in rows), rows[:2]
    for setting, _paper, known, ours, _why in rows:
        assert known in {"summary", "card", "inferred", "unknown"}, (setting, known)
        path, _, value = ours.strip("`").partition(": ")
        actual = resolve(study, path)
        expected = yaml.safe_load(value)
        if isinstance(actual, tuple):
            actual = list(actual)
        assert actual == expected, f"README fidelity row {setting!r}: {path} is {actual!r}, the table says {value}"
