"""Rule align_variants: the problems the variants built (those of `align_on`, all by default; capped at
build_variants.size), as JSON: summary.json (problem ids, statuses and coverage per variant) and problems-<digest>.json
(the ids alone); alignment.md says what was kept and dropped and how hard the kept problems are."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from styledistill.cli._common import load_job
from styledistill.errors import UserError
from styledistill.io import atomic_write_text, read_table, staged_dir, write_json
from styledistill.variants.align import SUMMARY, aligned_problems, minimum, problems_name
from styledistill.variants.alignment_report import alignment_markdown
from styledistill.variants.settings import AlignSettings

log = logging.getLogger(__name__)
REPORT = "alignment.md"


def align(raw_paths: list[str], out: str, settings: AlignSettings, problems_path: str, st_path: str) -> None:
    """The problems the defining variants built (status ok), capped at `size` by a seeded ranking that a problem's
    removal elsewhere does not reshuffle; what each variant lost and why. Written to directory `out`: summary.json,
    the ids alone in a file named by their digest, and alignment.md."""
    raw = {}
    for path in raw_paths:
        df = read_table(path, "example", columns=("problem_id", "variant", "status"))  # not the texts
        raw[df["variant"].iloc[0] if len(df) else Path(path).stem] = df
    unknown = sorted(set(settings.align_on or []) - set(raw))
    if unknown:
        raise UserError(f"--spec: stage.align_on: {unknown} are not among the variants aligned ({sorted(raw)})")
    summary = aligned_problems(raw, settings)
    least = minimum(summary, settings)
    if len(summary["problem_ids"]) < least:
        raise UserError(f"align: {len(summary['problem_ids'])} problem(s) aligned, fewer than build_variants.min_size "
                        f"{settings.min_size} x {settings.size or summary['problems_offered']} = {least} (lost per "
                        f"variant: {summary['lost']})")
    summary["problems_file"] = problems_name(summary["problem_ids"])
    problems = read_table(problems_path, "problem", columns=("problem_id", "level", "source"))
    report = alignment_markdown(summary, least, problems, read_table(st_path, "st", columns=("problem_id",)))
    with staged_dir(out) as tmp:
        write_json(tmp / summary["problems_file"], summary["problem_ids"])
        write_json(tmp / SUMMARY, summary)
        atomic_write_text(tmp / REPORT, report)
    log.info("aligned %d problems across %d variants", len(summary["problem_ids"]), len(raw))


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--raw", nargs="+", required=True, help="raw examples of each variant")
    p.add_argument("--problems", required=True, help="the seed problems the teacher answered (record: problem)")
    p.add_argument("--st", required=True, help="st.parquet (record: st)")
    p.add_argument("--out", required=True, help="alignment directory: summary.json (problem ids, statuses and "
                                                "coverage per variant), problems-<digest>.json (the ids), alignment.md")


def main(args: argparse.Namespace) -> None:
    settings = AlignSettings.from_spec(load_job(args.spec)["stage"], "--spec: stage")
    align(args.raw, args.out, settings, args.problems, args.st)
