"""What every stage CLI shares: the JSON spec argument, thread settings, and one-line errors."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from styledistill.errors import IncompleteRun, UserError


def parser(stage: str, description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=f"python -m styledistill.cli.{stage}", description=description)
    p.add_argument("--spec", default="{}", help="this job's slice of config as one JSON object (Snakemake params)")
    p.add_argument("--threads", type=int, default=1, help="CPU threads for torch and tokenizers")
    return p


def add_generation_args(p: argparse.ArgumentParser) -> None:
    """The arguments of every stage that calls a model: where finished requests live, and the job's GPUs."""
    p.add_argument("--store", default="work/requests", help="root of the finished-request store")
    p.add_argument("--gpus", type=int, default=0,
                   help="GPUs given to this job (the rule's resources); vllm's tensor parallel size unless set")


def load_spec(text: str, allowed: set[str] | None = None) -> dict[str, Any]:
    """Parse --spec; with `allowed`, any other key is an error (`version` is always allowed)."""
    try:
        spec = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"--spec: not valid JSON: {exc}") from None
    if not isinstance(spec, dict):
        raise UserError("--spec: must be a JSON object")
    unknown = set(spec) - (allowed | {"version"}) if allowed is not None else set()
    if unknown:
        raise UserError(f"--spec: unknown key(s) {sorted(unknown)}")
    return spec


def require(spec: dict[str, Any], key: str, where: str = "--spec") -> Any:
    if key not in spec:
        raise UserError(f"{where}: missing key {key!r}")
    return spec[key]


def read_problems(path: str, limit: int | None) -> Any:
    """The problems a generating stage answers: a problem table, cut to its first `limit` rows when set."""
    from styledistill.io import read_table

    problems = read_table(path, "problem")
    return problems.head(int(limit)) if limit else problems


def set_threads(threads: int) -> None:
    """Pin CPU threads: two OpenMP pools fighting over two cores stall badly."""
    threads = max(1, threads)
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = str(threads)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(threads)


def run(main: Callable[[Sequence[str] | None], None], argv: Sequence[str] | None = None) -> int:
    """Run a stage main; a UserError becomes one line on stderr and exit status 2, an IncompleteRun status 3."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        main(argv)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except IncompleteRun as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    return 0
