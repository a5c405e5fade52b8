"""Choose the ST set: correct, complete traces, one per problem, capped in size."""

from __future__ import annotations

import pandas as pd

PICKS = ("first", "shortest", "random")


def select_st(graded: pd.DataFrame, max_size: int | None, pick: str = "first", seed: int = 0) -> pd.DataFrame:
    """Keep correct, untruncated traces with non-empty reasoning; one per problem chosen by `pick`."""
    ok = graded[graded["correct"] & ~graded["truncated"] & (graded["reasoning"].str.strip() != "")].copy()
    if pick == "shortest":
        ok = ok.assign(_len=ok["reasoning"].str.len()).sort_values(["problem_id", "_len", "sample"])
    elif pick == "random":
        ok = ok.sample(frac=1.0, random_state=seed).sort_values("problem_id", kind="stable")
    else:
        ok = ok.sort_values(["problem_id", "sample"])
    chosen = ok.drop_duplicates("problem_id", keep="first").sort_values("problem_id")
    if max_size is not None and len(chosen) > max_size:
        chosen = chosen.sample(n=max_size, random_state=seed).sort_values("problem_id")
    return chosen[["problem_id", "question", "gold", "reasoning", "answer_text", "sample"]].reset_index(drop=True)
