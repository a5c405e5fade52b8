"""Build one variant's examples from the ST set, generating traces where the kind asks for it."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pandas as pd

from styledistill.generation.jobs import generate_chats
from styledistill.grading.answers import grade_answer
from styledistill.prompting import PromptTemplate
from styledistill.reasoning import split_completion
from styledistill.variants.kinds import target_kind
from styledistill.variants.wrong import wrong_answer

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


def from_st(st: pd.DataFrame, variant: str, kind: str) -> pd.DataFrame:
    """ST keeps the teacher's trace; ST-NT keeps only its final answer."""
    rows = [
        _row(r, variant, r.reasoning if kind == "st" else "", r.answer_text, r.gold, "ok") for r in st.itertuples()
    ]
    return pd.DataFrame(rows)


def generated(
    st: pd.DataFrame,
    variant: str,
    kind: str,
    template: PromptTemplate,
    style: str,
    model_dir: str | Path | None,
    store_root: str | Path,
    spec: dict[str, Any],
    failures_out: str | Path | None = None,
    gpus: int = 0,
) -> pd.DataFrame:
    """Prompt the generator per problem; check the final answer reaches the target (gold, or a wrong one).

    A problem whose request failed (listed in `failures_out`) gets status generation_failed.
    """
    seed = int(spec.get("seed", 0))
    answer_check = spec.get("answer_check", "require")
    targets: dict[str, str | None] = {}
    for r in st.itertuples():
        targets[r.problem_id] = r.gold if target_kind(kind) == "gold" else wrong_answer(r.gold, r.problem_id, seed)
    chats = [
        (r.problem_id, template.messages(**_fields(template, r.question, targets[r.problem_id], style)))
        for r in st.itertuples()
        if targets[r.problem_id] is not None
    ]
    completions = {c.tag: c for c in generate_chats(chats, 1, model_dir, store_root, spec, failures_out, gpus)}
    rows = []
    for r in st.itertuples():
        target = targets[r.problem_id]
        if target is None:
            rows.append(_row(r, variant, "", "", "", "no_wrong_answer"))
            continue
        if r.problem_id not in completions:
            rows.append(_row(r, variant, "", "", target, "generation_failed"))
            continue
        c = completions[r.problem_id]
        split = split_completion(c.response.text, spec.get("answer_marker"), c.response.reasoning_content)
        reached = _reaches(split.answer_text or split.reasoning, target, r.gold, kind)
        answer_text, status = split.answer_text, "ok"
        if not split.reasoning:
            status = "empty_reasoning"
        elif c.response.finish_reason == "length" and answer_check == "require":
            status = "truncated"
        elif not reached:
            if answer_check == "enforce":
                answer_text, status = f"The final answer is $\\boxed{{{target}}}$.", "ok"
            else:
                status = "missed_target"
        rows.append(_row(r, variant, split.reasoning, answer_text, target, status,
                         generated_answer_reached=reached, request_key=c.request.key))
    out = pd.DataFrame(rows)
    log.info("%s: %s", variant, out["status"].value_counts().to_dict())
    return out


def _fields(template: PromptTemplate, question: str, answer: str, style: str) -> dict[str, str]:
    values = {"question": question, "answer": answer, "style": style}
    return {k: v for k, v in values.items() if k in template.fields()}


def _reaches(answer_text: str, target: str, gold: str, kind: str) -> bool:
    """Did the generated answer land where the kind wants: on the gold, or on a wrong answer?"""
    if target_kind(kind) == "gold":
        return grade_answer(answer_text, gold).correct
    return not grade_answer(answer_text, gold).correct and grade_answer(answer_text, target).correct


def align(raw: dict[str, pd.DataFrame], size: int | None, seed: int = 0) -> tuple[dict[str, pd.DataFrame], dict]:
    """Keep the problems every variant built successfully, so all variants train on the same problems."""
    ok_ids = [set(df.loc[df["status"] == "ok", "problem_id"]) for df in raw.values()]
    common = sorted(set.intersection(*ok_ids)) if ok_ids else []
    if size is not None and len(common) > size:
        common = sorted(pd.Series(common).sample(n=size, random_state=seed))
    aligned = {
        v: df[df["problem_id"].isin(common)].sort_values("problem_id").reset_index(drop=True) for v, df in raw.items()
    }
    summary = {
        "problems": len(common),
        "per_variant": {v: df["status"].value_counts().to_dict() for v, df in raw.items()},
    }
    return aligned, summary
