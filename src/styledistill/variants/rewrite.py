"""ST-HC-W: the input variant's accepted traces (ST-HC) with only their ending rewritten to reach a wrong answer.

Per trace: a wrong target near the gold (variants/wrong.py, confirmed wrong by the grader) and the point from which
to rewrite (a sentence start, else a word start, near where the last `rewrite_share` of its text begins). The
generator continues the kept part towards the wrong target; a continuation that misses it falls back to the trace
with the wrong value put in its final step (when `fallback`). Every kept example grades wrong. `prefix_share`
records how much of the original trace is kept verbatim.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import pandas as pd

from styledistill.grading.extract import graded_part
from styledistill.variants.context import BuildContext
from styledistill.variants.edits import prefix_share, rewrite_point, substitute_final
from styledistill.variants.rows import ENFORCED_ANSWER, OK, example_row, reaches
from styledistill.variants.wrong import wrong_answer

log = logging.getLogger(__name__)


def _values(ctx: BuildContext, row: Any, target: str, cut: int) -> dict[str, str]:
    values = {"question": row.question, "answer": target, "trace": row.reasoning, "kept": row.reasoning[:cut],
              "rewrite": row.reasoning[cut:]}
    return {k: v for k, v in values.items() if k in ctx.template.fields()}


def _joined(kept: str, continuation: str) -> str:
    continuation = continuation.strip()
    if not kept.strip():
        return continuation
    return kept + continuation if kept[-1:].isspace() else f"{kept} {continuation}"


def states_value(text: str, value: str) -> bool:
    """Does `text` already write `value` (as a whole number or expression, not inside a longer one)?"""
    value = value.strip()
    return bool(value) and re.search(rf"(?<![\w.]){re.escape(value)}(?![\w]|\.\d)", text) is not None


def _fallback(src: Any, target: str) -> tuple[str, str]:
    return substitute_final(src.reasoning, src.gold, target), ENFORCED_ANSWER.format(target)


def synthetic_wrong(ctx: BuildContext) -> pd.DataFrame:
    settings, model, template = ctx.settings, ctx.need("model"), ctx.need("template")
    sources = list(ctx.source.itertuples())
    targets = {r.problem_id: wrong_answer(r.gold, r.problem_id, settings.wrong_seed, ctx.grader) for r in sources}
    cuts = {r.problem_id: rewrite_point(r.reasoning, settings.rewrite_share) for r in sources}
    chats = [(r.problem_id, template.messages(**_values(ctx, r, targets[r.problem_id], cuts[r.problem_id])))
             for r in sources if targets[r.problem_id] is not None]
    done = {c.tag: c for c in model.complete(chats, 1, ctx.failures_out)}
    rows = []
    for r in sources:
        target = targets[r.problem_id]
        if target is None:
            rows.append(example_row(ctx, r, "", "", "", "no_wrong_answer", "none"))
            continue
        reasoning, answer_text, method, status, extra = "", "", "rewrite", OK, {}
        completion = done.get(r.problem_id)
        if completion is not None:
            record = completion.record(ctx.generator.answer_marker)
            reasoning, answer_text = _joined(r.reasoning[: cuts[r.problem_id]], record["reasoning"]), \
                record["answer_text"]
            extra = {"request_key": record["request_key"], "served_model": record["served_model"]}
            missed = not record["reasoning"].strip() or not reaches(
                ctx.grader, graded_part(answer_text, record["reasoning"]), target, r.gold, wants_gold=False)
            answer_text = answer_text or ENFORCED_ANSWER.format(target)  # reached in the reasoning: state it
        else:
            missed = True
        if missed:
            if settings.fallback:
                (reasoning, answer_text), method = _fallback(r, target), "fallback"
            else:
                status = "generation_failed" if completion is None else "missed_target"
        row = example_row(ctx, r, reasoning, answer_text, target, status, method,
                          prefix_share=prefix_share(r.reasoning, reasoning),
                          prefix_states_gold=states_value(r.reasoning[: cuts[r.problem_id]], r.gold), **extra)
        if row["status"] == OK and row["target_correct"]:
            row["status"] = "graded_correct"  # never happens by construction; the grader has the last word
        rows.append(row)
    out = pd.DataFrame(rows)
    log.info("%s: %s", ctx.variant, out["method"].value_counts().to_dict() if len(out) else "no input examples")
    return out
