"""alignment.md: what alignment kept and why the rest went (drop reasons and coverage per variant), and whether the
aligned set is as hard as ST and the seed problems (level and source mix), so a curated set shows itself."""

from __future__ import annotations

from typing import Any

import pandas as pd

from styledistill.markdown import table
from styledistill.variants.rows import OK

TOP_SOURCES = 3


def _difficulty(name: str, problems: pd.DataFrame) -> list[Any]:
    levels = problems["level"].dropna()
    shares = levels.value_counts(normalize=True).sort_index()
    sources = problems["source"].value_counts(normalize=True).head(TOP_SOURCES)
    return [name, len(problems), f"{levels.mean():.2f}" if len(levels) else "",
            ", ".join(f"L{int(k)} {v:.0%}" for k, v in shares.items()) or "unknown",
            ", ".join(f"{k} {v:.0%}" for k, v in sources.items())]


def alignment_markdown(summary: dict[str, Any], minimum: int, seed_problems: pd.DataFrame,
                       st: pd.DataFrame) -> str:
    ids = set(summary["problem_ids"])
    rows = []
    for variant, statuses in summary["statuses"].items():
        dropped = {k: n for k, n in statuses.items() if k != OK}
        rows.append([variant, "yes" if variant in summary["align_on"] else "no", sum(statuses.values()),
                     statuses.get(OK, 0), summary["lost"][variant], f"{summary['coverage'][variant]:.0%}",
                     ", ".join(f"{k} {n}" for k, n in sorted(dropped.items(), key=lambda kv: -kv[1])) or "none"])
    by_id = seed_problems.set_index("problem_id")
    sets = [("seed problems", seed_problems),
            ("ST (correct traces)", by_id.loc[by_id.index.intersection(st["problem_id"].unique())].reset_index()),
            ("aligned", by_id.loc[by_id.index.intersection(sorted(ids))].reset_index())]
    return "\n".join([
        "# Alignment", "",
        f"{len(ids)} problems aligned (at least {minimum} required) out of {summary['problems_offered']} offered; "
        f"{summary['problems_built_by_all']} were built by every variant that defines the set "
        f"({', '.join(summary['align_on'])}).", "",
        "## Per variant", "",
        "Defines: the variant's built problems bound the aligned set (build_variants.align_on). Coverage: its share of "
        "the aligned problems it trains on.", "",
        table(["variant", "defines", "offered", "built", "lost", "coverage", "dropped (status: problems)"], rows), "",
        "## Difficulty", "",
        "Mean level and level mix (where the problems have one) and the commonest sources: a variant that could not "
        "build the hard problems shows here as an aligned set easier than ST.", "",
        table(["set", "problems", "mean level", "levels", "sources"], [_difficulty(n, p) for n, p in sets]), "",
    ])
