"""Rule make_problems: write one dataset of seed problems (record "problem") from its source spec.

Sources (the spec's `stage.source`; settings in problems/settings.py):
  builtin  the project's seeded word-problem generator: split, seed, n, levels
  jsonl    a local JSONL file: path, split, fields {question, answer, id?, level?}, answer_pattern?, limit?
  hf       datasets.load_dataset(path, name, split=hf_split, data_files=…, revision=…): path, split, fields,
           name?, hf_split? (default: split), data_files?, revision?, answer_pattern?, limit?
"""

from __future__ import annotations

import argparse
import logging
from collections import Counter
from typing import Any

import pandas as pd

from styledistill.cli._common import load_job, set_threads
from styledistill.errors import UserError
from styledistill.io import write_table
from styledistill.problems.sources import SOURCES
from styledistill.records import columns
from styledistill.settings import pick

RULE = "make_problems"
log = logging.getLogger(__name__)


def make_problems(spec: dict[str, Any], cache_dir: str | None) -> tuple[pd.DataFrame, str]:
    """The problem table a source spec describes, and the source's name."""
    source = pick(SOURCES, spec, "source", "--spec: stage")
    settings = source.settings.from_spec(spec, "--spec: stage")
    empty = dict.fromkeys(columns("problem"))  # a column a source does not know (a worked solution) is null
    df = pd.DataFrame([{**empty, **row} for row in source.load(settings, cache_dir)], columns=columns("problem"))
    df["level"] = pd.array(df["level"].tolist(), dtype="Int64")
    duplicated = df["problem_id"][df["problem_id"].duplicated()]
    if len(duplicated):
        raise UserError(f"--spec: problem ids are not unique, e.g. {duplicated.iloc[0]!r}")
    return df, settings.source


def run(spec: dict[str, Any], out: str, cache_dir: str | None, version: int | None) -> None:
    df, source = make_problems(spec, cache_dir)
    write_table(df, out, "problem", RULE, version, source=source)
    levels = Counter("?" if pd.isna(level) else int(level) for level in df["level"])
    log.info("wrote %d %s problems to %s (levels: %s)", len(df), df["split"].iloc[0], out,
             ", ".join(f"{k}: {v}" for k, v in sorted(levels.items(), key=lambda kv: str(kv[0]))))


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", required=True, help="problems.parquet to write")
    p.add_argument("--cache-dir", help="datasets cache for the hf source (default: the Hugging Face cache)")


def main(args: argparse.Namespace) -> None:
    job = load_job(args.spec)
    set_threads(args.threads)
    run(job["stage"], args.out, args.cache_dir, job.version)
