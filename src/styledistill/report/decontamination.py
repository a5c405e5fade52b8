"""The report's decontamination section: per training set, how many problems matched each benchmark and what was
dropped (the pairs themselves: each set's decontamination.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from styledistill.markdown import table

INTRO = ("Before any teacher saw them, the training problems were checked against the benchmarks (word n-grams after "
         "normalisation, boilerplate left out; optionally fuzzy matches) and against one another. Matched pairs: "
         "results/problems/<dataset>/decontamination.md.")


def section(paths: list[str], summaries: list[dict[str, Any]]) -> list[str]:
    """Markdown lines of the section (none when decontamination is off)."""
    if not summaries:
        return []
    rows = []
    for path, info in zip(paths, summaries):
        matched = ", ".join(f"{bench} {b['training_problems_matched']}" for bench, b in info["benchmarks"].items())
        rows.append([Path(path).parent.name, info["problems"], matched or "-", info["duplicates"], info["dropped"],
                     info["kept"]])
    return ["## Decontamination", "", INTRO, "",
            table(["training set", "problems", "matching a benchmark problem", "duplicates", "dropped", "kept"], rows),
            ""]
