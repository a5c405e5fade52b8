"""Check a config as `snakemake -n` does, naming the file: config.yaml and each overlay read strictly, merged the
way Snakemake merges them, then checked by the same code (workflow/rules/config.smk).

Snakemake loads --configfile overlays before the workflow's code runs, so an overlay it cannot load at all (missing,
empty, not YAML, not a mapping) stops it with a message that names no file. Run this first:

    python -m styledistill.cli.check --configfile my.yaml

One line per problem and exit status 2; else one line summing up the study and exit status 0. Run it from the
workflow's directory (config.yaml and the files the config names are read relative to it).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from styledistill.errors import UserError

if TYPE_CHECKING:
    from styledistill.config.study import Study

BASE = "config.yaml"  # the workflow's own config file (Snakefile: `configfile: "config.yaml"`)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m styledistill.cli.check", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--configfile", "--configfiles", nargs="+", default=[], metavar="FILE",
                   help="overlays, as given to snakemake (later files win)")
    return p


def read_files(paths: Sequence[str]) -> tuple[list[dict[str, Any]], list[str]]:
    """Each file's content, and one problem line per file that cannot be read as a config file."""
    from styledistill.config.checks import config_file

    contents, problems = [], []
    for path in paths:
        try:
            contents.append(config_file(path))
        except UserError as exc:
            problems.append(f"config: {exc}")
    return contents, problems


def merged(contents: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The config Snakemake builds: each file's keys over the previous ones, mappings merged key by key."""
    from snakemake.utils import update_config

    config: dict[str, Any] = {}
    for content in contents:
        update_config(config, content)
    return config


def summary(study: Study, paths: Sequence[str]) -> str:
    chosen = study.study
    counts = ", ".join(f"{len(getattr(chosen, block))} {block}" for block in
                       ("teachers", "datasets", "variants", "families", "benchmarks"))
    return f"config OK: {counts} ({' + '.join(paths)})"


def check(paths: Sequence[str]) -> tuple[Study | None, list[str]]:
    """The study these config files make, or None and one line per problem."""
    from styledistill.config.study import load

    contents, problems = read_files(paths)
    if problems:
        return None, problems
    try:
        return load(merged(contents)), []
    except UserError as exc:
        return None, [str(exc)]


def main(argv: Sequence[str] | None = None) -> int:
    paths = [BASE, *(str(p) for p in _parser().parse_args(argv).configfile)]
    study, problems = check(paths)
    for line in problems:
        print(f"error: {line}", file=sys.stderr)
    if problems:
        return 2
    print(summary(study, paths))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
