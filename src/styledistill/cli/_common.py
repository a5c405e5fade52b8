"""What every stage CLI shares: commands that are the rules' entry modules, the JSON spec argument, thread
settings, and one-line errors."""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from styledistill.errors import IncompleteRun, UserError


def parser(stage: str, description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=f"python -m styledistill.cli.{stage}", description=description)
    p.add_argument("--spec", default="{}", help="this job's settings as one JSON object (the rule's params): "
                   '{"version": N, "stage": {...}, ...}')
    p.add_argument("--threads", type=int, default=1, help="CPU threads for torch and tokenizers")
    return p


@dataclass(frozen=True)
class Job:
    """A job's spec: its parts by name (a missing part is empty) and the rule's code version (None if not given)."""

    parts: dict[str, Any]
    version: int | None

    def __getitem__(self, part: str) -> Any:
        return self.parts[part]

    def get(self, part: str, default: Any = None) -> Any:
        return self.parts.get(part, default)


def load_job(text: str, parts: set[str] = frozenset({"stage"})) -> Job:
    """Parse --spec: {"version": N, "stage": {...}, and the other parts this rule takes}; others are errors.

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
    version = spec.get("version")
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        raise UserError(f"--spec: version must be an integer, got {version!r}")
    return Job({name: spec.get(name) or {} for name in parts}, version)


def _entry(dotted: str) -> ModuleType:
    return importlib.import_module(f"styledistill.{dotted}")


def stage_cli(stage: str, description: str, commands: Mapping[str, str] | str) -> Callable[[Sequence[str] | None],
                                                                                           None]:
    """The main(argv) of a stage's CLI. `commands` names the entry module of each rule (under styledistill, as text:
    the rule code hashes follow a rule's own module, not its siblings'): one module for a one-rule stage, or a
    subcommand per rule. An entry module has `add_arguments(parser)` and `main(args)`; its docstring is the
    subcommand's description."""

    def main(argv: Sequence[str] | None = None) -> None:
        p = parser(stage, description)
        p.formatter_class = argparse.RawDescriptionHelpFormatter
        if isinstance(commands, str):
            module = _entry(commands)
            module.add_arguments(p)
            p.set_defaults(entry=module)
        else:
            sub = p.add_subparsers(dest="command", required=True)
            for name, dotted in commands.items():
                module = _entry(dotted)
                doc = (module.__doc__ or "").strip()
                s = sub.add_parser(name, help=doc.split("\n")[0], description=doc,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
                s.add_argument("--spec", default=argparse.SUPPRESS)
                s.add_argument("--threads", type=int, default=argparse.SUPPRESS)
                module.add_arguments(s)
                s.set_defaults(entry=module)
        args = p.parse_args(argv)
        args.entry.main(args)

    return main


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
