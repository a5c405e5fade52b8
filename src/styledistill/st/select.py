"""Choose the ST set: correct, complete traces, one per problem, capped in size. The choice is made on keys and
lengths alone (`candidates`), so the traces' texts need not be held while it is made."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from styledistill.st.settings import BuildStSettings

ST_COLUMNS = ["problem_id", "question", "gold", "reasoning", "answer_text", "sample"]


def _first(ok: pd.DataFrame, seed: int) -> pd.DataFrame:
    return ok.sort_values(["problem_id", "sample"])


def _shortest(ok: pd.DataFrame, seed: int) -> pd.DataFrame:
    return ok.sort_values(["problem_id", "chars", "sample"])


def _random(ok: pd.DataFrame, seed: int) -> pd.DataFrame:
    return ok.sample(frac=1.0, random_state=seed).sort_values("problem_id", kind="stable")


# pick -> an ordering of each problem's correct traces; the first one represents the problem.
PICKS: dict[str, Callable[[pd.DataFrame, int], pd.DataFrame]] = {
    "first": _first, "shortest": _shortest, "random": _random,
}


def candidates(graded: pd.DataFrame, first_row: int = 0) -> pd.DataFrame:
    """The traces that may stand for their problem (correct, untruncated, with reasoning): problem_id, sample, the
    reasoning's length (`chars`) and the trace's `row` in the graded table (`first_row`: the row of graded's first)."""
    ok = (graded["correct"] & ~graded["truncated"] & (graded["reasoning"].str.strip() != "")).to_numpy(dtype=bool)
    return pd.DataFrame({"problem_id": graded["problem_id"].to_numpy()[ok], "sample": graded["sample"].to_numpy()[ok],
                         "chars": graded["reasoning"].str.len().to_numpy()[ok], "row": first_row + np.flatnonzero(ok)})


def choose(candidates: pd.DataFrame, settings: BuildStSettings) -> pd.DataFrame:
    """One candidate per problem, chosen by `settings.pick`, at most `max_size` of them; sorted by problem."""
    ordered = PICKS[settings.pick](candidates, settings.seed)
    chosen = ordered.drop_duplicates("problem_id", keep="first").sort_values("problem_id")
    if settings.max_size is not None and len(chosen) > settings.max_size:
        chosen = chosen.sample(n=settings.max_size, random_state=settings.seed).sort_values("problem_id")
    return chosen.reset_index(drop=True)


def select_st(graded: pd.DataFrame, settings: BuildStSettings) -> pd.DataFrame:
    """The ST set of a graded table held in memory."""
    graded = graded.reset_index(drop=True)
    return graded.loc[choose(candidates(graded), settings)["row"], ST_COLUMNS].reset_index(drop=True)
