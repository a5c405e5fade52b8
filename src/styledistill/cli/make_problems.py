"""Stage make_problems: write one dataset of seed problems (record "problem") from its source spec.

Sources (the spec's `stage.source`; settings in problems/settings.py):
  builtin  the project's seeded word-problem generator: split, seed, n, levels
  jsonl    a local JSONL file: path, split, fields {question, answer, id?, level?}, answer_pattern?, limit?
  hf       datasets.load_dataset(path, name, split=hf_split, data_files=…, revision=…): path, split, fields,
           name?, hf_split? (default: split), data_files?, revision?, answer_pattern?, limit?
"""

from __future__ import annotations

from collections.abc import Sequence

from styledistill.cli._common import load_job, parser, run, set_threads
from styledistill.versions import version

STAGE = "make_problems"


def main(argv: Sequence[str] | None = None) -> None:
    p = parser(STAGE, __doc__)
    p.add_argument("--out", required=True, help="problems.parquet to write")
    p.add_argument("--cache-dir", help="datasets cache for the hf source (default: the Hugging Face cache)")
    args = p.parse_args(argv)
    job = load_job(args.spec)
    set_threads(args.threads)
    from styledistill.problems.make import run as make

    make(job["stage"], args.out, args.cache_dir, STAGE, version(STAGE))


if __name__ == "__main__":
    raise SystemExit(run(main))
