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
    p.add_argument("--spec", default="{}", help="this job's settings as one JSON object (the rule's params): "
                   '{"version": N, "stage": {...}, ...}')
    p.add_argument("--threads", type=int, default=1, help="CPU threads for torch and tokenizers")
    return p


def load_job(text: str, parts: set[str] = frozenset({"stage"})) -> dict[str, Any]:
    """Parse --spec: {"version": N, "stage": {...}, and the other parts this stage takes}; others are errors.

    Each part goes to the code that owns it: `stage` to the stage's settings, `generation` to the backend's,
    `provider` to an API model's, `labels` into the outputs. A missing part is an empty one.
    """
    try:
        spec = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise UserError(f"--spec: not valid JSON: {exc}") from None
    if not isinstance(spec, dict):
        raise UserError("--spec: must be a JSON object")
    unknown = sorted(set(spec) - parts - {"version"})
    if unknown:
        raise UserError(f"--spec: unknown part(s) {unknown} (allowed: version, {', '.join(sorted(parts))})")
    for name in parts:
        if spec.get(name) is not None and not isinstance(spec[name], dict):
            raise UserError(f"--spec: {name} must be a JSON object, got {type(spec[name]).__name__}")
    return {name: spec.get(name) or {} for name in parts}


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
