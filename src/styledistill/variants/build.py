"""Build one variant's examples from its input (the ST set, or another variant's examples), generating traces where
the kind asks for it; align the variants to the same problems."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pandas as pd

from styledistill.generation.jobs import Generator
from styledistill.grading.answers import grade_answer
from styledistill.prompting import PromptTemplate
from styledistill.variants.kinds import KINDS
from styledistill.variants.settings import AlignSettings, GeneratorSettings, VariantSettings

log = logging.getLogger(__name__)


def _row(st_row: Any, variant: str, reasoning: str, answer_text: str, target: str, status: str, **extra: Any) -> dict:
    return {
        "problem_id": st_row.problem_id,
        "variant": variant,
        "question": st_row.question,
        "reasoning": reasoning,
        "answer_text": answer_text,
        "target_answer": target,
        "gold": st_row.gold,
        "target_correct": bool(grade_answer(answer_text, st_row.gold).correct) if answer_text else False,
        "status": status,
        **extra,
    }


def copied(source: pd.DataFrame, variant: str, settings: VariantSettings) -> pd.DataFrame:
    """ST keeps the input's trace; ST-NT keeps only its final answer."""
    keep = KINDS[settings.kind].keep_reasoning
    rows = [_row(r, variant, r.reasoning if keep else "", r.answer_text, r.gold, "ok") for r in source.itertuples()]
    return pd.DataFrame(rows)


def generated(
    source: pd.DataFrame,
    variant: str,
    settings: VariantSettings,
    generator: GeneratorSettings,
    template: PromptTemplate,
    style: str,
    model: Generator,
    failures_out: str | Path | None,
) -> pd.DataFrame:
    """Prompt the generator per problem; check the final answer reaches the target (gold, or a wrong one).

    A problem whose request failed (listed in `failures_out`) gets status generation_failed.
    """
    kind = KINDS[settings.kind]
    targets = {r.problem_id: kind.target(r, settings) for r in source.itertuples()}
    chats = [
        (r.problem_id, template.messages(**_fields(template, r.question, targets[r.problem_id], style)))
        for r in source.itertuples()
        if targets[r.problem_id] is not None
    ]
    completions = {c.tag: c for c in model.complete(chats, 1, failures_out)}
    rows = []
    for r in source.itertuples():
        target = targets[r.problem_id]
        if target is None:
            rows.append(_row(r, variant, "", "", "", "no_wrong_answer"))
            continue
        if r.problem_id not in completions:
            rows.append(_row(r, variant, "", "", target, "generation_failed"))
            continue
        c = completions[r.problem_id]
        done = c.record(generator.answer_marker)
        reached = _reaches(done["answer_text"] or done["reasoning"], target, r.gold, kind.wants_gold)
        answer_text, status = done["answer_text"], "ok"
        if not done["reasoning"]:
            status = "empty_reasoning"
        elif done["finish_reason"] == "length" and generator.answer_check == "require":
            status = "truncated"
        elif not reached:
            if generator.answer_check == "enforce":
                answer_text, status = f"The final answer is $\\boxed{{{target}}}$.", "ok"
            else:
                status = "missed_target"
        rows.append(_row(r, variant, done["reasoning"], answer_text, target, status,
                         generated_answer_reached=reached, request_key=done["request_key"]))
    out = pd.DataFrame(rows)
    log.info("%s: %s", variant, out["status"].value_counts().to_dict())
    return out


def _fields(template: PromptTemplate, question: str, answer: str, style: str) -> dict[str, str]:
    values = {"question": question, "answer": answer, "style": style}
    return {k: v for k, v in values.items() if k in template.fields()}


def _reaches(answer_text: str, target: str, gold: str, wants_gold: bool) -> bool:
    """Did the generated answer land where the kind wants: on the gold, or on a wrong answer?"""
    if wants_gold:
        return grade_answer(answer_text, gold).correct
    return not grade_answer(answer_text, gold).correct and grade_answer(answer_text, target).correct


def align(raw: dict[str, pd.DataFrame], settings: AlignSettings) -> tuple[dict[str, pd.DataFrame], dict]:
    """Keep the problems every variant built successfully, so all variants train on the same problems."""
    ok_ids = [set(df.loc[df["status"] == "ok", "problem_id"]) for df in raw.values()]
    common = sorted(set.intersection(*ok_ids)) if ok_ids else []
    if settings.size is not None and len(common) > settings.size:
        common = sorted(pd.Series(common).sample(n=settings.size, random_state=settings.seed))
    aligned = {
        v: df[df["problem_id"].isin(common)].sort_values("problem_id").reset_index(drop=True) for v, df in raw.items()
    }
    summary = {
        "problems": len(common),
        "per_variant": {v: df["status"].value_counts().to_dict() for v, df in raw.items()},
    }
    return aligned, summary
