"""Rule download_model: a hub model's files fetched into the download cache, nothing loaded, so the job is light
enough for the submitting host (`resources.downloads_on_submit_host`: compute nodes often have no internet);
prepare_model then reads them without the network. Writes what it fetched: the hub id, the revision asked for, the
commit it resolved to (the pin to write into the config), the snapshot directory and its files."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from styledistill.cli._common import load_job
from styledistill.errors import UserError
from styledistill.io import write_json
from styledistill.models.settings import HfSource

RULE = "download_model"
# Weights in safetensors, config and tokenizer files; not the native copies of the same weights some repos carry
# (Llama's original/*.pth, Mistral's consolidated.safetensors) nor pickled .bin duplicates.
MODEL_FILES = ["*.json", "*.safetensors", "*.model", "*.tiktoken", "*.txt", "*.jinja"]
SKIPPED_FILES = ["original/*", "consolidated*"]


def is_hub_id(path: str) -> bool:
    """A model path that names a hub repository rather than a local directory."""
    return not Path(path).expanduser().is_dir()


def download(spec: HfSource, cache_dir: Path) -> dict[str, Any]:
    """Fetch the model's files (a token from HF_TOKEN for gated models, as huggingface_hub reads it)."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError

    try:
        snapshot = Path(snapshot_download(spec.path, revision=spec.revision, cache_dir=str(cache_dir / "hub"),
                                          allow_patterns=MODEL_FILES, ignore_patterns=SKIPPED_FILES))
    except (HfHubHTTPError, LocalEntryNotFoundError, OSError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UserError(f"model {spec.path!r}{'@' + spec.revision if spec.revision else ''}: cannot download "
                        f"({first})") from None
    files = sorted(p.relative_to(snapshot).as_posix() for p in snapshot.rglob("*") if p.is_file())
    if "config.json" not in files or not any(f.endswith(".safetensors") for f in files):
        raise UserError(f"model {spec.path!r}: the hub repository has no config.json and safetensors weights "
                        f"(found: {', '.join(files[:8]) or 'nothing'})")
    return {"path": spec.path, "revision": spec.revision, "commit": snapshot.name, "snapshot": str(snapshot),
            "files": files}


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", required=True, help="download.json to write: hub id, revision, commit, snapshot, files")
    p.add_argument("--cache-dir", required=True, help="the download cache (work/cache/models; files under hub/)")


def main(args: argparse.Namespace) -> None:
    job = load_job(args.spec)
    spec = HfSource.from_spec(job["stage"], "--spec: stage")
    if not is_hub_id(spec.path):
        raise UserError(f"--spec: stage.path: {spec.path!r} is a local directory; prepare_model reads it directly")
    write_json(args.out, {**download(spec, Path(args.cache_dir)), "version": job.version})
