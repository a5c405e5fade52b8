"""Stage make_problems: write one dataset of seed problems (record "problem") from its source spec.

Sources (spec key `source`):
  builtin  the project's seeded word-problem generator: split, seed, n, levels (default [1, 2, 3])
  jsonl    a local JSONL file: path, split, fields {question, answer, id?, level?}, answer_pattern?, limit?
  hf       datasets.load_dataset(path, name, split=hf_split, data_files=…, revision=…): path, split, fields,
           name?, hf_split? (default: split), data_files?, revision?, answer_pattern?, limit?
Every spec may also carry `version` (the stage version, ignored here).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from typing import Any

from styledistill.cli._common import load_spec, parser, require, run, set_threads
from styledistill.errors import UserError
from styledistill.io import write_table
from styledistill.versions import version

STAGE = "make_problems"
log = logging.getLogger(__name__)


def load_problems(spec: dict[str, Any], cache_dir: str | None = None) -> list[dict[str, Any]]:
    source = require(spec, "source")
    if source == "builtin":
        from styledistill.problems import builtin

        return builtin.load(spec)
    if source == "jsonl":
        from styledistill.problems import files

        return files.load(spec)
    if source == "hf":
        from styledistill.problems import hub

        return hub.load(spec, cache_dir)
    raise UserError(f"--spec: unknown problem source {source!r} (builtin, jsonl, hf)")


def main(argv: Sequence[str] | None = None) -> None:
    p = parser(STAGE, __doc__)
    p.add_argument("--out", required=True, help="problems.parquet to write")
    p.add_argument("--cache-dir", help="datasets cache for the hf source (default: the Hugging Face cache)")
    args = p.parse_args(argv)
    spec = load_spec(args.spec)
    set_threads(args.threads)
    problems = load_problems(spec, args.cache_dir)

    import pandas as pd

    df = pd.DataFrame(problems, columns=["problem_id", "question", "answer", "level", "source", "split"])
    df["level"] = pd.array(df["level"].tolist(), dtype="Int64")
    duplicated = df["problem_id"][df["problem_id"].duplicated()]
    if len(duplicated):
        raise UserError(f"--spec: problem ids are not unique, e.g. {duplicated.iloc[0]!r}")
    write_table(df, args.out, "problem", STAGE, version(STAGE), source=spec["source"])
    levels = Counter("?" if pd.isna(v) else int(v) for v in df["level"])
    log.info("wrote %d %s problems to %s (levels: %s)", len(df), df["split"].iloc[0], args.out,
             ", ".join(f"{k}: {v}" for k, v in sorted(levels.items(), key=lambda kv: str(kv[0]))))


if __name__ == "__main__":
    raise SystemExit(run(main))
