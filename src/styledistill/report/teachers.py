"""The report's teachers section: what each teacher of the run is, and for a simulated one, how much of its planted
style the features stage recovered (the measurement chain checked against the truth, on this run's own traces)."""

from __future__ import annotations

import json

import pandas as pd

from styledistill.io import read_table
from styledistill.simulation.recovery import pivot_recovery, stage_agreement
from styledistill.simulation.settings import SIMULATED

WHAT_IT_IS = {
    SIMULATED: "a simulator, not a model: it writes R1-like traces from the built-in problems' worked solutions, "
               "with pivots, stages, backtracking, length and wrong endings drawn at set rates and recorded per trace "
               "(planted.parquet). It can show whether students pick up a known style, and whether the measurements "
               "find it; it says nothing about how a real reasoning model writes or what its traces teach.",
}


def describe(teacher: str, source: str) -> str:
    """One line on what a teacher is: a simulator, a model (its key) or an imported trace dataset."""
    if source == SIMULATED:
        return f"{teacher}: {WHAT_IT_IS[SIMULATED]}"
    return f"{teacher}: traces of {source}"


def recovery(planted_path: str, features_path: str) -> tuple[pd.DataFrame, float, float]:
    """(per pivot type: planted, found, precision, recall; stage agreement; share of traces whose backtracking count
    matches the planted one) of one simulated teacher x dataset."""
    planted = read_table(planted_path, "planted")
    features = read_table(features_path, "features").set_index(["problem_id", "sample"])
    features = features.loc[list(zip(planted["problem_id"], planted["sample"]))]
    lengths = [max((end for _, end, _ in json.loads(spans)), default=0) for spans in planted["stage_spans"]]
    table = pivot_recovery(planted["pivot_spans"], features["pivot_spans"])
    agreement = stage_agreement(planted["stage_spans"], features["stage_spans"], lengths)
    backtracking = float((features["backtracking"].to_numpy() == planted["backtracking"].to_numpy()).mean())
    return table, agreement, backtracking


RECOVERY_INTRO = ("Pivots the features stage found where the simulator planted them (a found pivot counts when it "
                  "starts where a planted one of its type starts)")


def sections(planted: list[str], features: list[str], labels: list[str]) -> list[tuple[str, pd.DataFrame, str]]:
    """Per simulated teacher x dataset: (label, recovery table, what else was recovered)."""
    out = []
    for path, features_path, label in zip(planted, features, labels, strict=True):
        table, agreement, backtracking = recovery(path, features_path)
        shown = table.reset_index()[["type", "planted", "found", "precision", "recall"]].round(3)
        out.append((label, shown, f"Stages: {agreement:.1%} of the reasoning's characters get their planted stage. "
                                  f"Backtracking: the count matches the planted episodes in {backtracking:.1%} of "
                                  "traces."))
    return out


def markdown(teachers: dict[str, str], recovered: list[tuple[str, pd.DataFrame, str]],
             served: list[str] | None = None) -> str:
    """The teachers section as Markdown: what each teacher is; which models served the answers (report/served.py);
    per simulated teacher x dataset, the recovery."""
    from styledistill.report.served import INTRO

    lines = ["# Teachers", ""] + [f"- {describe(name, source)}" for name, source in teachers.items()] + [""]
    if served:
        lines += ["## Served by", "", INTRO, "", *served, ""]
    for label, table, note in recovered:
        lines += [f"## {label}: the planted style, recovered", "", f"{RECOVERY_INTRO}:", "",
                  table.to_markdown(index=False, floatfmt=".3f"), "", note, ""]
    return "\n".join(lines)


def rst(teachers: dict[str, str], recovered: list[tuple[str, pd.DataFrame, str]],
        served: list[str] | None = None) -> str:
    """The same for the report's landing page (reStructuredText, no section titles)."""
    from styledistill.report.landing import escape_rst, landing_rst

    parts = ["\n".join(f"- {escape_rst(describe(name, source))}" for name, source in teachers.items()) + "\n"]
    if served:
        parts.append("**Served by**:\n\n" + "\n".join(f"- {escape_rst(line[2:])}" for line in served) + "\n")
    for label, table, note in recovered:
        parts.append(f"**{escape_rst(label)}**: {escape_rst(RECOVERY_INTRO)}.\n")
        parts.append(landing_rst(table, [note]))
    return "\n".join(parts)
