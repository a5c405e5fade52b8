"""Rule make_variant: build one variant's examples from its input, generating or rewriting traces with the
generator model where the kind needs one (record "example", each with its status).

A variant's input is the ST set (record `st`) or, when its settings name another variant (`input`), that variant's
accepted examples (record `example`, status ok): so a variant can alter another one's traces.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Iterator
from dataclasses import replace

import pandas as pd

from styledistill.cli._common import load_job, set_threads
from styledistill.cli._generation import GENERATION_PARTS, add_generation_args
from styledistill.cli._generation import generator as model_of
from styledistill.errors import UserError
from styledistill.generation.generator import Generator, failures_path
from styledistill.io import read_json, read_table, read_table_batches, write_table, write_table_parts
from styledistill.variants.context import BuildContext
from styledistill.variants.kinds import KINDS
from styledistill.variants.rows import OK
from styledistill.variants.settings import GeneratorSettings, VariantSettings, variant_settings

RULE = "make_variant"
log = logging.getLogger(__name__)
INPUT_COLUMNS = ["problem_id", "question", "gold", "reasoning", "answer_text"]
INPUT_BATCH_ROWS = 20_000  # input rows a row-wise kind builds at a time


def _accepted(examples: pd.DataFrame) -> pd.DataFrame:
    return examples.loc[examples["status"] == OK, INPUT_COLUMNS].reset_index(drop=True)


def read_input(path: str, settings: VariantSettings) -> pd.DataFrame:
    """The problems (with a trace and an answer each) a variant is built from."""
    if settings.input is None:
        return read_table(path, "st")
    return _accepted(read_table(path, "example", columns=[*INPUT_COLUMNS, "status"]))


def input_batches(path: str, settings: VariantSettings) -> Iterator[pd.DataFrame]:
    """read_input, INPUT_BATCH_ROWS rows at a time."""
    if settings.input is None:
        yield from read_table_batches(path, "st", INPUT_BATCH_ROWS)
        return
    for batch in read_table_batches(path, "example", INPUT_BATCH_ROWS, columns=[*INPUT_COLUMNS, "status"]):
        yield _accepted(batch)


def make(variant: str, settings: VariantSettings, input_path: str, out: str, *, grader: str,
         generator: GeneratorSettings | None,
         prompt: str | None, profile: str | None, reference: str | None, model: Generator | None,
         version: int | None, budget: str | None = None) -> None:
    from styledistill.prompting import load_prompt

    kind = KINDS[settings.kind]
    needs = {"--prompt": kind.generated and not prompt, "--profile": kind.uses_profile and not profile,
             "--reference": kind.uses_reference and not reference,
             "--budget": kind.uses_budget and getattr(settings, "budget_of", None) is not None and not budget}
    missing = [flag for flag, absent in needs.items() if absent]
    if missing:
        raise UserError(f"variant {variant} (kind {settings.kind}) needs {', '.join(missing)}")
    template = None
    if kind.generated:
        required, allowed = kind.placeholders(settings)
        template = load_prompt(prompt, required=required, allowed=allowed)
    ctx = BuildContext(
        variant=variant, settings=settings, source=pd.DataFrame(columns=INPUT_COLUMNS), grader=grader,
        profile=read_json(profile, "style profile") if kind.uses_profile else None,
        reference=read_table(reference, "st") if kind.uses_reference else None,
        budget=read_table(budget, "example") if budget else None,
        generator=generator, template=template, model=model,
        failures_out=failures_path(out) if kind.generated else None,
    )
    if kind.rowwise:
        parts = (kind.build(replace(ctx, source=batch)) for batch in input_batches(input_path, settings))
        statuses = write_table_parts(parts, out, "example", RULE, version).column("status").to_pandas()
    else:
        examples = kind.build(replace(ctx, source=read_input(input_path, settings)))
        write_table(examples, out, "example", RULE, version)
        statuses = examples["status"] if len(examples) else pd.Series(dtype=str)
    log.info("%s: %d problems, %s", variant, len(statuses), statuses.value_counts().to_dict())


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--variant", required=True, help="variant name (a key of the variants registry)")
    p.add_argument("--input", required=True, help="st.parquet (record: st), or the raw examples of the variant the "
                                                  "settings' `input` names (record: example)")
    p.add_argument("--profile", help="style_profile.json (kinds that use the style: ST-HC, ablations)")
    p.add_argument("--reference", help="st.parquet, the lengths length matching aims at (kind length_matched)")
    p.add_argument("--budget", help="the raw examples of the variant whose words are the budget (kind token_matched, "
                                    "budget_of)")
    p.add_argument("--model", help="prepared generator model directory (generated kinds; an API generator "
                                   "(backend litellm) takes its model from the spec's provider instead)")
    p.add_argument("--prompt", help="generator prompt template YAML (generated kinds)")
    add_generation_args(p, store_required=False)
    p.add_argument("--out", required=True, help="raw examples parquet (record: example, with status)")


def main(args: argparse.Namespace) -> None:
    from styledistill.grading.settings import GradeSettings

    set_threads(args.threads)
    job = load_job(args.spec, GENERATION_PARTS | {"generator", "grading"})
    settings = variant_settings(job["stage"])
    generated = KINDS[settings.kind].generated
    if generated and not args.store:
        raise UserError(f"variant {args.variant} (kind {settings.kind}) needs --store")
    answer_check = GeneratorSettings.from_spec(job["generator"], "--spec: generator") if generated else None
    grading = GradeSettings.from_spec(job["grading"], "--spec: grading")
    make(args.variant, settings, args.input, args.out, grader=grading.grader, generator=answer_check,
         prompt=args.prompt, profile=args.profile, reference=args.reference,
         model=model_of(args, job) if generated else None, version=job.version, budget=args.budget)
