"""Variants taken from their input as they are: ST (the traces) and ST-NT (the final answers only)."""

from __future__ import annotations

import pandas as pd

from styledistill.variants.context import BuildContext
from styledistill.variants.rows import OK, example_row


def st(ctx: BuildContext) -> pd.DataFrame:
    return pd.DataFrame([example_row(ctx, r, r.reasoning, r.answer_text, r.gold, OK, "copied")
                         for r in ctx.source.itertuples()])


def no_trace(ctx: BuildContext) -> pd.DataFrame:
    return pd.DataFrame([example_row(ctx, r, "", r.answer_text, r.gold, OK, "answer_only")
                         for r in ctx.source.itertuples()])
