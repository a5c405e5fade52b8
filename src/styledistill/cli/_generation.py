"""What the CLIs of the stages that call a model share: the store and GPU arguments, and how the job generates."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from styledistill.generation.generator import Generator


def add_generation_args(p: argparse.ArgumentParser, store_required: bool = True) -> None:
    """The arguments of every stage that calls a model: where finished requests live, and the job's GPUs."""
    p.add_argument("--store", required=store_required, help="root of the finished-request store (work/requests)")
    p.add_argument("--gpus", type=int, default=0,
                   help="GPUs given to this job (the rule's resources); vllm's tensor parallel size unless set")


GENERATION_PARTS = frozenset({"stage", "generation", "provider"})


def generator(args: argparse.Namespace, job: dict[str, Any]) -> Generator:
    """How the job generates: its model argument, its generation and provider parts, the store and its GPUs."""
    from styledistill.generation.generator import Generator
    from styledistill.generation.settings import job_generation

    settings, provider = job_generation(job)
    return Generator(args.model or None, settings, provider, args.store, args.gpus)
