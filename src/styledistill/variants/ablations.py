"""Ablations, each a variant kind: ST without its pivots, ST with its stages reordered, ST-HC trimmed to ST's
lengths. They tell which part of the style a student's gain comes from."""

from __future__ import annotations

import hashlib
import json
import logging

import numpy as np
import pandas as pd

from styledistill.style.lengths import sentence_cuts
from styledistill.style.pivots import PivotMatcher
from styledistill.style.style_check import measure, profile_settings
from styledistill.variants.context import BuildContext
from styledistill.variants.edits import shuffle_spans, strip_pivots, trim_at
from styledistill.variants.rows import OK, example_row

log = logging.getLogger(__name__)


def pivot_stripped(ctx: BuildContext) -> pd.DataFrame:
    settings = profile_settings(ctx.need("profile"))
    matcher = PivotMatcher(settings.lexicon, settings.position_rules)
    rows = []
    for r in ctx.source.itertuples():
        stripped = strip_pivots(r.reasoning, matcher)
        rows.append(example_row(ctx, r, stripped, r.answer_text, r.gold, OK, "pivots_stripped",
                                pivots_removed=len(matcher.find(r.reasoning))))
    return pd.DataFrame(rows)


def _seed(seed: int, problem_id: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{seed}:{problem_id}".encode()).digest()[:8], "big")


def stage_shuffled(ctx: BuildContext) -> pd.DataFrame:
    features = measure(ctx.source, ctx.need("profile"))
    rows = []
    for r, spans in zip(ctx.source.itertuples(), features["stage_spans"]):
        starts = [start for start, _, _ in json.loads(spans or "[]")]
        shuffled = shuffle_spans(r.reasoning, starts, _seed(ctx.settings.seed, r.problem_id))
        rows.append(example_row(ctx, r, shuffled, r.answer_text, r.gold, OK, "stages_shuffled",
                                stage_spans=len(starts)))
    return pd.DataFrame(rows)


def length_targets(lengths: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Per trace, the reference length at the same rank (quantile matching): the longest trace gets the reference's
    longest length, the median one its median, and so on."""
    ranks = (np.argsort(np.argsort(lengths, kind="stable"), kind="stable") + 0.5) / len(lengths)
    return np.quantile(reference, ranks, method="inverted_cdf")


def length_matched(ctx: BuildContext) -> pd.DataFrame:
    from scipy.stats import ks_2samp

    reference = measure(ctx.need("reference"), ctx.need("profile"))["words"].to_numpy()
    texts = ctx.source["reasoning"].tolist()
    cuts = sentence_cuts(texts, profile_settings(ctx.need("profile")).spacy_model)
    lengths = np.array([c[-1][1] if c else 0 for c in cuts])
    targets = length_targets(lengths, reference) if len(lengths) else lengths
    rows = []
    for r, c, target in zip(ctx.source.itertuples(), cuts, targets):
        trimmed = trim_at(r.reasoning, c, int(target))
        rows.append(example_row(ctx, r, trimmed, r.answer_text, r.gold, OK, "trimmed_to_st_length",
                                length_target=int(target)))
    out = pd.DataFrame(rows)
    if len(out):
        after = measure(out, ctx.need("profile"))["words"].to_numpy()
        out["words"] = after
        test = ks_2samp(after, reference)
        log.info("%s: words median %d -> %d (ST %d); KS vs ST: D=%.3f p=%.3g", ctx.variant, np.median(lengths),
                 np.median(after), np.median(reference), test.statistic, test.pvalue)
    return out


def scaled_cuts(cuts: list[list[tuple[int, int]]], budget: int) -> tuple[list[int], int]:
    """Per trace, the index of the sentence end to cut at so that the kept words of all traces sum to about
    `budget`: each trace cut nearest the same share of its length, the share refined until the sum is on budget
    (or no longer moves). Returns the cut indices and the words they keep."""
    lengths = np.array([c[-1][1] if c else 0 for c in cuts], dtype=float)
    if not lengths.sum() or budget >= lengths.sum():
        return [len(c) - 1 for c in cuts], int(lengths.sum())
    share, kept, picks = budget / lengths.sum(), 0, []
    for _ in range(20):
        picks = [min(range(len(c)), key=lambda k, c=c, t=share * n: (abs(c[k][1] - t), c[k][1])) if c else -1
                 for c, n in zip(cuts, lengths)]
        kept = sum(c[k][1] for c, k in zip(cuts, picks) if c)
        if abs(kept - budget) <= 0.005 * budget:
            break
        share *= budget / max(kept, 1)
    return picks, kept


def token_matched(ctx: BuildContext) -> pd.DataFrame:
    settings = ctx.settings
    if settings.words is not None:
        budget = settings.words
    else:
        reference = ctx.need("budget")
        budget = int(measure(reference[reference["status"] == OK], ctx.need("profile"))["words"].sum())
    texts = ctx.source["reasoning"].tolist()
    cuts = sentence_cuts(texts, profile_settings(ctx.need("profile")).spacy_model)
    picks, kept = scaled_cuts(cuts, budget)
    rows = [example_row(ctx, r, r.reasoning[: c[k][0]].rstrip() if c else r.reasoning, r.answer_text, r.gold, OK,
                        "trimmed_to_budget", words=c[k][1] if c else 0)
            for r, c, k in zip(ctx.source.itertuples(), cuts, picks)]
    total = sum(c[-1][1] for c in cuts if c)
    log.info("%s: %d words -> %d (budget %d, %+.1f%%)", ctx.variant, total, kept, budget,
             100 * (kept - budget) / budget if budget else 0.0)
    return pd.DataFrame(rows)
