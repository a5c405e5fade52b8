"""The build_variants stage: `make` builds one variant from its input; `align` keeps the problems every variant built.

A variant's input is the ST set (record `st`) or, when its settings name another variant (`input`), that variant's
accepted examples (record `example`, status ok): so a variant can alter another one's traces.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from styledistill.errors import UserError
from styledistill.generation.jobs import Generator, failures_path
from styledistill.io import all_or_none, read_json, read_table, write_json, write_table
from styledistill.settings import pick
from styledistill.variants.kinds import KINDS, PROMPT_FIELDS
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
    accepted = examples[examples["status"] == "ok"] if "status" in examples.columns else examples
    return accepted[INPUT_COLUMNS].reset_index(drop=True)


def make(variant: str, settings: VariantSettings, input_path: str, out: str, *, generator: GeneratorSettings,
         prompt: str | None, profile: str | None, model: Generator, stage: str, version: int) -> None:
    from styledistill.variants import build

    kind = KINDS[settings.kind]
    source = read_input(input_path, settings)
    if not kind.generated:
        examples = build.copied(source, variant, settings)
    else:
        if not (prompt and profile):
            raise UserError(f"variant {variant} (kind {settings.kind}) needs --prompt and --profile")
        from styledistill.prompting import load_prompt
        from styledistill.variants.style_brief import describe

        template = load_prompt(prompt, required=kind.placeholders, allowed=PROMPT_FIELDS)
        style = describe(read_json(profile, "style profile"))
        log.info("style brief: %s", style)
        examples = build.generated(source, variant, settings, generator, template, style, model, failures_path(out))
    write_table(examples, out, "example", stage, version)


def align(raw_paths: list[str], outs: list[str], summary_path: str, settings: AlignSettings, stage: str,
          version: int) -> None:
    from styledistill.variants.build import align as align_variants

    if len(raw_paths) != len(outs):
        raise UserError("align: give one --out per --raw, in the same order")
    raw = {}
    for path in raw_paths:
        df = read_table(path, "example")
        variant = df["variant"].iloc[0] if len(df) else Path(path).stem
        raw[variant] = df
    aligned, summary = align_variants(raw, settings)
    if summary["problems"] < settings.min_size:
        raise UserError(f"align: only {summary['problems']} problem(s) built in every variant "
                        f"({summary['per_variant']}); build_variants.min_size is {settings.min_size}")
    with all_or_none(*outs, summary_path):
        for df, out in zip(aligned.values(), outs):
            write_table(df, out, "example", stage, version)
        write_json(summary_path, summary)
    log.info("aligned %d problems across %d variants", summary["problems"], len(raw))
