"""The dataset card (README.md) of a published variant: where it comes from, what was dropped and why, and how its
style compares with ST's."""

from __future__ import annotations

import json
from typing import Any

from styledistill.markdown import table
from styledistill.variants.summary import SHOWN


def card(summary: dict[str, Any], provenance: dict[str, Any], settings: dict[str, Any],
         decontamination: dict[str, Any] | None = None) -> str:
    """The card's Markdown, with a YAML header the Hugging Face hub reads."""
    name = summary["variant"]
    out = [
        "---",
        "pretty_name: " + f"style-distill {name} ({provenance['teacher']} / {provenance['dataset']})",
        "task_categories: [text-generation]",
        "tags: [reasoning, distillation, style-distill]",
        "---",
        f"# {name}",
        "",
        f"Training set **{name}** of a style-distill run (kind `{settings['kind']}`): "
        f"{summary['examples']} examples, as chat messages (`messages`) and the example record's columns.",
        "",
        "## Provenance",
        "",
        table(["what", "value"], [[k, f"`{v}`"] for k, v in provenance.items()]
               + [["settings", f"`{json.dumps(settings)}`"]]),
        "",
        "## Counts",
        "",
        f"{summary['offered']} problems offered, {summary['built']} built, {summary['examples']} kept after "
        "alignment with the other variants of the run.",
        "",
        table(["status", "problems"], [[k, v] for k, v in summary["statuses"].items()]),
        "",
        table(["method", "examples"], [[k, v] for k, v in summary["methods"].items()]),
        "",
        "## Style next to ST",
        "",
        table(["feature (median)", name, "ST"],
               [[f, summary["features"][f], summary["st_features"][f]] for f in SHOWN]
               + [["share with >= min_types pivot types", summary["min_types_share"], summary["st_min_types_share"]]]),
        "",
        f"Style distance from the ST profile (median): {summary['style']['distance_median']}; accepted by the style "
        f"check: {summary['style']['accepted_share']}.",
    ]
    if summary.get("length_vs_st"):
        ks = summary["length_vs_st"]
        out += ["", f"Length (words) against ST: two-sample KS D = {ks['ks_statistic']}, p = {ks['ks_pvalue']}."]
    if summary.get("prefix_states_gold_share") is not None:
        out += ["", "Share of kept prefixes that already write the gold answer before the rewritten ending: "
                f"{summary['prefix_states_gold_share']} (such a trace states the right value, then ends on a wrong "
                "one)."]
    if summary.get("served_by"):
        out += ["", "## Served by", "", "The model each answer's API response names (`model`), per example:", "",
                table(["model", "examples"], [[f"`{k}`", v] for k, v in summary["served_by"].items()])]
    out += _decontamination(decontamination)
    for key, title in (("prefix_share", "Share of the input trace kept verbatim as a prefix"),
                       ("attempts", "Generation attempts per kept example")):
        if summary.get(key):
            out += ["", f"## {title}", "", table(list(summary[key]), [list(summary[key].values())])]
    return "\n".join(out) + "\n"


def _decontamination(info: dict[str, Any] | None) -> list[str]:
    """What the card says of the problems' decontamination (results/problems/<dataset>/decontamination.md)."""
    if info is None:
        return ["", "## Decontamination", "", "The training problems were not checked against any benchmark."]
    settings = info["settings"]
    fuzzy = f", fuzzy ratio >= {settings['fuzzy']:g}" if settings.get("fuzzy") is not None else ""
    rows = [[bench, b["benchmark_problems"], b["training_problems_matched"]] for bench, b in info["benchmarks"].items()]
    return ["", "## Decontamination", "",
            f"Before the teacher saw them, the {info['problems']} training problems were checked against the "
            f"benchmarks (word {settings['ngram']}-grams after normalisation{fuzzy}) and against one another: "
            f"{info['contaminated']} matched a benchmark problem, {info['duplicates']} repeated another; "
            f"{info['dropped']} dropped ({settings['action']}).", "",
            table(["benchmark", "its problems", "training problems matching it"], rows)]
