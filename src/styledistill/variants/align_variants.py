"""Rule align_variants: the problems every variant built (capped at build_variants.size), as JSON: summary.json
(problem ids, statuses per variant) and problems-<digest>.json (the ids alone)."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from styledistill.cli._common import load_job
from styledistill.errors import UserError
from styledistill.io import read_table, staged_dir, write_json
from styledistill.variants.align import SUMMARY, aligned_problems, problems_name
from styledistill.variants.settings import AlignSettings

log = logging.getLogger(__name__)


def align(raw_paths: list[str], out: str, settings: AlignSettings) -> None:
    """The problems every variant built (status ok), capped at `size` by a seeded ranking that a problem's removal
    elsewhere does not reshuffle; what each variant lost and why. Written to directory `out`: summary.json, and the
    ids alone in a file named by their digest."""
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


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--raw", nargs="+", required=True, help="raw examples of each variant")
    p.add_argument("--out", required=True, help="alignment directory: summary.json (problem ids, statuses per "
                                                "variant) and problems-<digest>.json (the ids)")


def main(args: argparse.Namespace) -> None:
    align(args.raw, args.out, AlignSettings.from_spec(load_job(args.spec)["stage"], "--spec: stage"))
