"""Generated variants (ST-HC, SBS): the generator writes a trace per problem; a trace is kept when its final answer
is the gold one and, for ST-HC, when the style check accepts it. A rejected problem is asked again, as a new sample
(so its request key differs and nothing is paid twice), up to `retries` times; then it is dropped and counted."""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from styledistill.generation.completions import Completion
from styledistill.grading.extract import graded_part
from styledistill.style.settings import StyleCheck
from styledistill.style.style_check import measure, style_distance
from styledistill.variants.context import BuildContext
from styledistill.variants.leakage import mentions_given_answer
from styledistill.variants.rows import ENFORCED_ANSWER, OK, example_row, reaches
from styledistill.variants.style_brief import PROFILE_FIELDS, prompt_fields

log = logging.getLogger(__name__)


def _values(ctx: BuildContext, row: Any, show_answer: bool) -> dict[str, str]:
    fields = ctx.template.fields()
    values = {"question": row.question, "answer": row.gold,
              "answer_hint": f"The correct final answer is {row.gold}." if show_answer else ""}
    if ctx.profile is not None and fields & PROFILE_FIELDS:
        values.update(prompt_fields(ctx.profile))
    return {k: v for k, v in values.items() if k in fields}


def _candidate(ctx: BuildContext, src: Any, completion: Completion | None, attempt: int) -> dict[str, Any]:
    """The example a completion makes, with status ok or why it is rejected."""
    if completion is None:
        return example_row(ctx, src, "", "", src.gold, "generation_failed", "generated", attempts=attempt + 1)
    done = completion.record(ctx.generator.answer_marker)
    reached = reaches(ctx.grader, graded_part(done["answer_text"], done["reasoning"]), src.gold, src.gold,
                      wants_gold=True)
    answer_text, status, method = done["answer_text"], OK, "generated"
    if not done["reasoning"].strip():
        status = "empty_reasoning"
    elif ctx.settings.show_answer and mentions_given_answer(done["reasoning"]):
        status = "answer_leaked"
    elif done["truncated"] and ctx.generator.answer_check == "require":
        status = "truncated"
    elif not reached:
        if ctx.generator.answer_check == "enforce":
            answer_text, method = ENFORCED_ANSWER.format(src.gold), "generated_answer_enforced"
        else:
            status = "missed_target"
    return example_row(ctx, src, done["reasoning"], answer_text, src.gold, status, method,
                       attempts=attempt + 1, generated_answer_reached=reached, request_key=done["request_key"],
                       served_model=done["served_model"])


def _check_style(rows: list[dict[str, Any]], profile: dict[str, Any], check: StyleCheck) -> None:
    """Reject (status style_rejected) the ok rows the style check does not accept; note every checked distance."""
    ok = [row for row in rows if row["status"] == OK]
    if not ok:
        return
    checked = style_distance(measure(pd.DataFrame(ok), profile), profile, check)
    for row, distance, accepted, worst in zip(ok, checked["style_distance"], checked["style_accepted"],
                                              checked["style_worst"]):
        row.update(style_distance=float(distance), style_worst=worst)
        if not accepted:
            row["status"] = "style_rejected"


def generated(ctx: BuildContext, check: StyleCheck | None, retries: int, show_answer: bool) -> pd.DataFrame:
    """Generate, check and regenerate; one row per problem: its accepted trace, or its last rejected one."""
    model, template = ctx.need("model"), ctx.need("template")
    profile = ctx.need("profile") if check is not None else ctx.profile
    pending = list(ctx.source.itertuples())
    final: dict[str, dict[str, Any]] = {}
    for attempt in range(retries + 1):
        if not pending:
            break
        chats = [(r.problem_id, template.messages(**_values(ctx, r, show_answer))) for r in pending]
        done = {c.tag: c for c in model.complete(chats, 1, ctx.failures_out, first_sample=attempt)}
        rows = [_candidate(ctx, r, done.get(r.problem_id), attempt) for r in pending]
        if check is not None:
            _check_style(rows, profile, check)
        final.update((row["problem_id"], row) for row in rows)
        pending = [r for r, row in zip(pending, rows) if row["status"] != OK]
        log.info("%s: attempt %d: %d accepted, %d to retry", ctx.variant, attempt + 1, len(rows) - len(pending),
                 len(pending))
    return pd.DataFrame([final[r.problem_id] for r in ctx.source.itertuples()])


def synthetic(ctx: BuildContext) -> pd.DataFrame:
    s = ctx.settings
    return generated(ctx, s.style_check, s.retries, s.show_answer)


def step_by_step(ctx: BuildContext) -> pd.DataFrame:
    s = ctx.settings
    return generated(ctx, check=None, retries=s.retries, show_answer=s.show_answer)
