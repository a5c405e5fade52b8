"""Pin every hub model, dataset and imported trace set of a config to the commit it resolves to now: writes an
overlay of `revision` keys, so that a rerun next year downloads the same weights, problems and traces.

    python -m styledistill.cli.pin --configfile experiments/paper.yaml --out experiments/paper.pins.yaml
    snakemake --configfile experiments/paper.yaml experiments/paper.pins.yaml ...

Asks the hub (HF_ENDPOINT, a token from HF_TOKEN for gated repositories) for each entry that names a hub id and no
revision; an entry with a revision keeps it. Run it where the hub is reachable, once, and commit the overlay. One line
per problem and exit status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from styledistill.cli.check import BASE, check
from styledistill.config.study import Study
from styledistill.errors import UserError
from styledistill.io import atomic_write_text


def hub_entries(study: Study) -> dict[str, dict[str, str]]:
    """block -> {key: hub id} of the models, datasets and imported teachers that name a hub repository without a
    revision."""
    from styledistill.models.download_model import is_hub_id

    models = {key: m.path for key, m in study.models.items()
              if m.source == "hf" and m.revision is None and is_hub_id(m.path)}
    datasets = {key: hub_dataset(d) for key, d in study.datasets.items()}
    teachers = {key: t.path for key, t in study.teachers.items()
                if t.source == "import" and t.format == "hf" and t.revision is None and is_hub_id(t.path)}
    return {"models": models, "datasets": {key: repo for key, repo in datasets.items() if repo is not None},
            "teachers": teachers}


def hub_dataset(entry: Any) -> str | None:
    """The hub id a dataset entry reads without a revision: an hf source's path (owner/name, not a local directory
    or a loader such as json), a preset without a local copy; else None."""
    from styledistill.models.download_model import is_hub_id
    from styledistill.problems.presets import PRESETS

    if getattr(entry, "revision", "") is not None:
        return None
    if entry.source == "preset" and entry.path is None:
        return PRESETS[entry.preset].hub
    if entry.source == "hf" and "/" in entry.path and is_hub_id(entry.path):
        return entry.path
    return None


def resolve(block: str, repo: str) -> str:
    """The commit the repository's default branch points at."""
    from huggingface_hub import HfApi
    from huggingface_hub.errors import HfHubHTTPError

    api = HfApi()
    info = api.model_info if block == "models" else api.dataset_info  # datasets and imported teachers' traces
    try:
        return info(repo).sha
    except HfHubHTTPError as exc:
        raise UserError(f"{block}: {repo!r}: cannot resolve ({str(exc).strip().splitlines()[0]})") from None


def overlay(pins: dict[str, dict[str, str]], sources: Sequence[str]) -> str:
    lines = [f"# Hub revisions pinned by python -m styledistill.cli.pin on {datetime.now(UTC):%Y-%m-%d} for "
             f"{' + '.join(sources)}"]
    for block, entries in pins.items():
        if entries:
            lines.append(f"{block}:")
            lines += [f"  {key}: {{revision: {commit}}}" for key, commit in sorted(entries.items())]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m styledistill.cli.pin", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--configfile", nargs="+", default=[], metavar="FILE", help="overlays, as given to snakemake")
    p.add_argument("--out", required=True, help="the overlay of revision keys to write")
    args = p.parse_args(argv)
    paths = [BASE, *args.configfile]
    study, problems = check(paths)
    try:
        if problems:
            raise UserError(problems[0])
        pins = {block: {key: resolve(block, repo) for key, repo in entries.items()}
                for block, entries in hub_entries(study).items()}
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    atomic_write_text(Path(args.out), overlay(pins, paths))
    print(f"pinned {sum(len(e) for e in pins.values())} hub repositories in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
