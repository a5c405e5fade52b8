"""Stage make_problems: write one dataset of seed problems (record "problem") from its source spec.

Sources (the spec's `stage.source`; settings in problems/settings.py):
  builtin  the project's seeded word-problem generator: split, seed, n, levels
  jsonl    a local JSONL file: path, split, fields {question, answer, id?, level?}, answer_pattern?, limit?
  hf       datasets.load_dataset(path, name, split=hf_split, data_files=…, revision=…): path, split, fields,
           name?, hf_split? (default: split), data_files?, revision?, answer_pattern?, limit?
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence

from styledistill.cli._common import load_job, parser, run, set_threads
from styledistill.io import write_table
from styledistill.versions import version

STAGE = "make_problems"
log = logging.getLogger(__name__)


def main(argv: Sequence[str] | None = None) -> None:
    p = parser(STAGE, __doc__)
    p.add_argument("--out", required=True, help="problems.parquet to write")
    p.add_argument("--cache-dir", help="datasets cache for the hf source (default: the Hugging Face cache)")
    args = p.parse_args(argv)
    job = load_job(args.spec)
    set_threads(args.threads)
    from styledistill.problems.make import make_problems

    df, source = make_problems(job["stage"], args.cache_dir)
    write_table(df, args.out, "problem", STAGE, version(STAGE), source=source)
    import pandas as pd

    levels = Counter("?" if pd.isna(level) else int(level) for level in df["level"])
    log.info("wrote %d %s problems to %s (levels: %s)", len(df), df["split"].iloc[0], args.out,
             ", ".join(f"{k}: {v}" for k, v in sorted(levels.items(), key=lambda kv: str(kv[0]))))


if __name__ == "__main__":
    raise SystemExit(run(main))
