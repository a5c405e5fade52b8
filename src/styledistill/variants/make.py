"""The build_variants stage: `make` builds one variant from its input; `align` picks the problems every variant
built; `select` writes one variant's training set for those problems.

A variant's input is the ST set (record `st`) or, when its settings name another variant (`input`), that variant's
accepted examples (record `example`, status ok): so a variant can alter another one's traces.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from styledistill.errors import UserError
from styledistill.generation.jobs import Generator, failures_path
from styledistill.io import read_json, read_table, staged_dir, write_json, write_table
from styledistill.settings import pick
from styledistill.variants.context import BuildContext
from styledistill.variants.kinds import KINDS
from styledistill.variants.rows import OK
from styledistill.variants.settings import AlignSettings, GeneratorSettings, VariantSettings

log = logging.getLogger(__name__)
INPUT_COLUMNS = ["problem_id", "question", "gold", "reasoning", "answer_text"]


def variant_settings(spec: dict) -> VariantSettings:
    return pick(KINDS, spec, "kind", "--spec: stage").settings.from_spec(spec, "--spec: stage")


def read_input(path: str, settings: VariantSettings) -> pd.DataFrame:
    """The problems (with a trace and an answer each) a variant is built from."""
    if settings.input is None:
        return read_table(path, "st")
    examples = read_table(path, "example")
    return examples.loc[examples["status"] == OK, INPUT_COLUMNS].reset_index(drop=True)


def make(variant: str, settings: VariantSettings, input_path: str, out: str, *, grader: str,
         generator: GeneratorSettings | None,
         prompt: str | None, profile: str | None, reference: str | None, model: Generator | None, stage: str,
         version: int) -> None:
    from styledistill.prompting import load_prompt

    kind = KINDS[settings.kind]
    needs = {"--prompt": kind.generated and not prompt, "--profile": kind.uses_profile and not profile,
             "--reference": kind.uses_reference and not reference}
    missing = [flag for flag, absent in needs.items() if absent]
    if missing:
        raise UserError(f"variant {variant} (kind {settings.kind}) needs {', '.join(missing)}")
    template = None
    if kind.generated:
        required, allowed = kind.placeholders(settings)
        template = load_prompt(prompt, required=required, allowed=allowed)
    ctx = BuildContext(
        variant=variant, settings=settings, source=read_input(input_path, settings), grader=grader,
        profile=read_json(profile, "style profile") if kind.uses_profile else None,
        reference=read_table(reference, "st") if kind.uses_reference else None,
        generator=generator, template=template, model=model,
        failures_out=failures_path(out) if kind.generated else None,
    )
    examples = kind.build(ctx)
    log.info("%s: %d problems, %s", variant, len(examples),
             examples["status"].value_counts().to_dict() if len(examples) else {})
    write_table(examples, out, "example", stage, version)


def align(raw_paths: list[str], out: str, settings: AlignSettings) -> None:
    """The problems every variant built (status ok), capped at `size` by a seeded ranking that a problem's removal
    elsewhere does not reshuffle; what each variant lost and why. Written to directory `out`: summary.json, and the
    ids alone in a file named by their digest."""
    from styledistill.variants.align import SUMMARY, aligned_problems, problems_name

    raw = {}
    for path in raw_paths:
        df = read_table(path, "example")
        raw[df["variant"].iloc[0] if len(df) else Path(path).stem] = df
    summary = aligned_problems(raw, settings)
    if len(summary["problem_ids"]) < settings.min_size:
        raise UserError(f"align: only {len(summary['problem_ids'])} problem(s) built in every variant "
                        f"({summary['statuses']}); build_variants.min_size is {settings.min_size}")
    summary["problems_file"] = problems_name(summary["problem_ids"])
    with staged_dir(out) as tmp:
        write_json(tmp / summary["problems_file"], summary["problem_ids"])
        write_json(tmp / SUMMARY, summary)
    log.info("aligned %d problems across %d variants", len(summary["problem_ids"]), len(raw))


def select(raw_path: str, problems_path: str, out: str, stage: str, version: int) -> None:
    """One variant's training set: its accepted examples of the aligned problems, in problem order."""
    raw = read_table(raw_path, "example")
    ids = read_json(problems_path, "aligned problems")
    kept = raw[(raw["status"] == OK) & raw["problem_id"].isin(ids)].sort_values("problem_id").reset_index(drop=True)
    missing = sorted(set(ids) - set(kept["problem_id"]))
    if missing:
        raise UserError(f"{raw_path}: aligned problem(s) {missing[:5]} have no accepted example here; rerun the "
                        "align step (its alignment is older than this variant)")
    write_table(kept, out, "example", stage, version)
