"""Rule import_traces: a teacher's traces from an existing trace dataset instead of a model (record "trace"), for
one paired dataset, with provenance.

The spec's `stage` names the source (format jsonl, parquet or hf; path; name, hf_split, revision for the hub), the
layout of a row (fields: reasoning and answer fields; think: <think>…</think> in a response field, a list of
responses being several samples; messages: a chat), the field map (question, reasoning, answer, response, messages,
gold, label, id, sample, source, domain), filters, and a seeded sample of N problems (traces/import_settings.py).
Each trace is paired with the problem of --problems with the same id (fields.id) or question; the source's own
correctness label is kept as the extra column `source_correct`, which the grade rule audits.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from styledistill.cli._common import load_job
from styledistill.errors import UserError
from styledistill.io import all_or_none, atomic_write_text, read_table, sha256_file, write_table_chunks
from styledistill.markdown import table
from styledistill.traces.import_settings import TraceImport

if TYPE_CHECKING:
    from styledistill.traces.importing import ImportedTrace

RULE = "import_traces"
CHUNK = 2_000  # traces per Parquet write: the records of one chunk are in memory at a time, besides the traces
log = logging.getLogger(__name__)


def provenance(spec: TraceImport, read: int, imported: int, problems: int, labelled: int,
               dropped: dict[str, int]) -> dict[str, Any]:
    """Where the traces come from and what became of them: recorded in the manifest and shown in the report."""
    return {
        "source": spec.label, "format": spec.format, "revision": spec.revision,
        "sha256": sha256_file(spec.path) if spec.local_file else None,
        "layout": spec.layout, "fields": spec.fields.to_spec(), "filters": spec.filters.to_spec(),
        "sample": {"problems": spec.problems, "seed": spec.seed},
        "traces_read": read, "imported": imported, "problems": problems, "labelled": labelled,
        "dropped": dict(sorted(dropped.items())),
    }


def markdown(record: dict[str, Any], teacher: str) -> str:
    fields = ", ".join(f"{role} ← `{key}`" for role, key in record["fields"].items() if key is not None)
    rows = [["source", f"`{record['source']}`"], ["revision", record["revision"] or "(none pinned)"],
            ["sha256", record["sha256"] or "(hub dataset)"], ["layout", record["layout"]], ["field map", fields],
            ["traces read", record["traces_read"]], ["imported", record["imported"]],
            ["problems", record["problems"]], ["with the source's own label", record["labelled"]]]
    rows += [[f"dropped: {why}", count] for why, count in record["dropped"].items() if count]
    return "\n".join([f"# Imported teacher traces: {teacher}", "", table(["", ""], rows), ""])


def run(spec: TraceImport, problems_path: str, out: str, provenance_md: str, teacher: str, cache_dir: str | None,
        version: int | None) -> None:
    from collections import Counter

    from styledistill.traces.importing import iter_traces, pair, select, to_records

    read: Counter = Counter()
    dropped: Counter = Counter()

    def counted() -> Iterator[ImportedTrace]:
        for trace in iter_traces(spec, cache_dir):
            read["traces"] += 1
            yield trace

    # the source streams past: only the traces of the dataset's problems are held, then filtered and sampled
    kept = select(pair(counted(), read_table(problems_path, "problem"), spec, dropped), spec, dropped)
    if not kept:
        why = ("belongs to a problem of" if dropped["not_in_dataset"] == read["traces"]
               else "is left after pairing with")
        raise UserError(f"{spec.label}: none of its {read['traces']} traces {why} {problems_path} (dropped: "
                        f"{dict(dropped)})")
    record = provenance(spec, read["traces"], len(kept), len({t.problem_id for t in kept}),
                        sum(t.label is not None for t in kept), dropped)
    chunks = (to_records(kept[start:start + CHUNK], spec) for start in range(0, len(kept), CHUNK))
    with all_or_none(out, provenance_md):
        write_table_chunks(chunks, out, "trace", RULE, version, provenance=record)
        atomic_write_text(provenance_md, markdown(record, teacher))
    log.info("imported %d traces of %d problems from %s; dropped: %s", len(kept), record["problems"],
             record["source"], record["dropped"] or "none")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--problems", required=True, help="problems.parquet of the paired dataset (record: problem)")
    p.add_argument("--out", required=True, help="traces.parquet to write (record: trace)")
    p.add_argument("--provenance", required=True, help="import.md to write: source, revision, field map, counts")
    p.add_argument("--teacher", default="imported", help="the teacher's name, for the provenance page")
    p.add_argument("--cache-dir", help="datasets cache for format hf (default: the Hugging Face cache)")


def main(args: argparse.Namespace) -> None:
    job = load_job(args.spec)
    spec = TraceImport.from_spec(job["stage"], "--spec: stage")
    run(spec, args.problems, args.out, args.provenance, args.teacher, args.cache_dir, job.version)
