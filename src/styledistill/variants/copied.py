"""Variants taken from their input as they are: ST (the traces), ST-NT (the final answers only), and the mismatched
control (each problem with another problem's trace)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from styledistill.variants.context import BuildContext
from styledistill.variants.rows import ENFORCED_ANSWER, OK, example_row


def st(ctx: BuildContext) -> pd.DataFrame:
    return pd.DataFrame([example_row(ctx, r, r.reasoning, r.answer_text, r.gold, OK, "copied",
                                     served_model=getattr(r, "served_model", None))
                         for r in ctx.source.itertuples()])


def no_trace(ctx: BuildContext) -> pd.DataFrame:
    final = ctx.settings.answer == "final"
    return pd.DataFrame([example_row(ctx, r, "", ENFORCED_ANSWER.format(r.gold) if final else r.answer_text, r.gold,
                                     OK, "final_answer" if final else "teacher_answer")
                         for r in ctx.source.itertuples()])


def derangement(items: list[str], seed: int) -> dict[str, str]:
    """Each item -> another item, none to itself: the next one along a seeded random cycle through all of them."""
    order = [items[i] for i in np.random.default_rng(seed).permutation(len(items))]
    return {item: order[(k + 1) % len(order)] for k, item in enumerate(order)}


def mismatched(ctx: BuildContext) -> pd.DataFrame:
    problems = sorted(set(ctx.source["problem_id"]))
    if len(problems) < 2:
        raise ValueError(f"variant {ctx.variant}: a mismatch needs at least two problems, got {len(problems)}")
    donors = derangement(problems, ctx.settings.seed)
    first = ctx.source.drop_duplicates("problem_id").set_index("problem_id")
    return pd.DataFrame([example_row(ctx, r, first.at[donors[r.problem_id], "reasoning"], r.answer_text, r.gold, OK,
                                     "mismatched", trace_of=donors[r.problem_id])
                         for r in ctx.source.itertuples()])
