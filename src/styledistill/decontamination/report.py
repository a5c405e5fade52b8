"""The decontamination page a person reads: counts per benchmark, then every matched pair side by side."""

from __future__ import annotations

from typing import Any

import pandas as pd

from styledistill.markdown import table

SHOWN_PAIRS = 200  # per page; every pair is in the Parquet table
SHOWN_CHARS = 600


def _quote(text: str) -> str:
    text = " ".join(str(text).split())
    return "> " + (text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + " …")


def _settings(settings: dict[str, Any]) -> str:
    fuzzy = f"fuzzy ratio ≥ {settings['fuzzy']:g}" if settings.get("fuzzy") is not None else "no fuzzy pass"
    return (f"word {settings['ngram']}-grams after normalisation, {fuzzy}; sentences and n-grams of "
            f"{settings['boilerplate']} or more benchmark problems are boilerplate; action: {settings['action']}")


def markdown(name: str, info: dict[str, Any], matches: pd.DataFrame) -> str:
    rows = [[bench, b["benchmark_problems"], b["training_problems_matched"], b["benchmark_problems_matched"],
             ", ".join(f"{method} {n}" for method, n in b["by_method"].items()) or "-"]
            for bench, b in info["benchmarks"].items()]
    out = [f"# Decontamination: {name}", "",
           f"{info['problems']} training problems checked; {info['contaminated']} match a benchmark problem, "
           f"{info['duplicates']} repeat an earlier training problem; {info['kept']} kept, {info['dropped']} "
           f"dropped. Matching: {_settings(info['settings'])}.", "",
           table(["benchmark", "its problems", "training problems matched", "benchmark problems matched",
                  "by method"], rows), ""]
    if len(matches):
        out += ["## Matched pairs", ""]
    for row in matches.head(SHOWN_PAIRS).itertuples():
        evidence = f"score {row.score:.1f}" if row.method == "fuzzy" else f"`{row.evidence[:200]}`"
        out += [f"**{row.problem_id}** ↔ **{row.benchmark}/{row.benchmark_id}** ({row.method}: {evidence})", "",
                _quote(row.question), ">", _quote(row.benchmark_question).replace("> ", "> ↔ ", 1), ""]
    if len(matches) > SHOWN_PAIRS:
        out.append(f"… and {len(matches) - SHOWN_PAIRS} more pairs (decontamination.parquet has them all).")
    return "\n".join(out).rstrip() + "\n"
