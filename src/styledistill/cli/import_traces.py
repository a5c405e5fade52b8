"""Stage import_traces: a teacher's traces from an existing trace dataset instead of a model (record "trace").

The spec's `stage` names the source (format jsonl, parquet or hf; path; name, hf_split, revision for the hub), the
layout of a row (fields: reasoning and answer fields; think: <think>…</think> in a response field, a list of
responses being several samples; messages: a chat), the field map (question, reasoning, answer, response, messages,
gold, label, id, sample, source, domain), filters, and a seeded sample of N problems (traces/import_settings.py).
Each trace is paired with the problem of --problems with the same id (fields.id) or question; the source's own
correctness label is kept as the extra column `source_correct`, which the grade stage audits.
"""

from __future__ import annotations

from collections.abc import Sequence

from styledistill.cli._common import load_job, parser, run
from styledistill.versions import version

STAGE = "import_traces"


def main(argv: Sequence[str] | None = None) -> None:
    p = parser(STAGE, __doc__)
    p.add_argument("--problems", required=True, help="problems.parquet of the paired dataset (record: problem)")
    p.add_argument("--out", required=True, help="traces.parquet to write (record: trace)")
    p.add_argument("--provenance", required=True, help="import.md to write: source, revision, field map, counts")
    p.add_argument("--teacher", default="imported", help="the teacher's name, for the provenance page")
    p.add_argument("--cache-dir", help="datasets cache for format hf (default: the Hugging Face cache)")
    args = p.parse_args(argv)
    from styledistill.traces.import_settings import TraceImport

    spec = TraceImport.from_spec(load_job(args.spec)["stage"], "--spec: stage")
    from styledistill.traces.import_stage import run as import_traces

    import_traces(spec, args.problems, args.out, args.provenance, args.teacher, args.cache_dir, STAGE,
                  version(STAGE))


if __name__ == "__main__":
    raise SystemExit(run(main))
