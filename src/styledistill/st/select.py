"""Choose the ST set: correct, complete traces, one per problem, capped in size."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from styledistill.st.settings import BuildStSettings


def _first(ok: pd.DataFrame, seed: int) -> pd.DataFrame:
    return ok.sort_values(["problem_id", "sample"])


def _shortest(ok: pd.DataFrame, seed: int) -> pd.DataFrame:
    return ok.assign(_len=ok["reasoning"].str.len()).sort_values(["problem_id", "_len", "sample"])


def _random(ok: pd.DataFrame, seed: int) -> pd.DataFrame:
    return ok.sample(frac=1.0, random_state=seed).sort_values("problem_id", kind="stable")


# pick -> an ordering of each problem's correct traces; the first one represents the problem.
PICKS: dict[str, Callable[[pd.DataFrame, int], pd.DataFrame]] = {
    "first": _first, "shortest": _shortest, "random": _random,
}


def select_st(graded: pd.DataFrame, settings: BuildStSettings) -> pd.DataFrame:
    """Keep correct, untruncated traces with non-empty reasoning; one per problem chosen by `settings.pick`."""
    ok = graded[graded["correct"] & ~graded["truncated"] & (graded["reasoning"].str.strip() != "")].copy()
    ordered = PICKS[settings.pick](ok, settings.seed)
    chosen = ordered.drop_duplicates("problem_id", keep="first").sort_values("problem_id")
    if settings.max_size is not None and len(chosen) > settings.max_size:
        chosen = chosen.sample(n=settings.max_size, random_state=settings.seed).sort_values("problem_id")
    return chosen[["problem_id", "question", "gold", "reasoning", "answer_text", "sample"]].reset_index(drop=True)
