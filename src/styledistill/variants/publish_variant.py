"""Rule publish_variant: one variant's training set as chat messages in Parquet and as a Hugging Face dataset
directory, with a dataset card and its feature summary next to ST's. The directory appears whole or not at all."""

from __future__ import annotations

import argparse
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from styledistill.cli._common import load_job, set_threads
from styledistill.io import (
    arrow_schema,
    read_arrow_batches,
    read_json,
    read_table,
    staged_dir,
    write_json,
    write_manifest,
)
from styledistill.prompting import assistant_target, student_messages
from styledistill.style.settings import StyleCheck
from styledistill.variants.card import card
from styledistill.variants.settings import VariantSettings, variant_settings
from styledistill.variants.summary import measured_examples, st_traces, summarize

RULE = "publish_variant"
BATCH_ROWS = 10_000  # examples turned into chat messages and written at a time
MESSAGES = pa.list_(pa.struct([("role", pa.string()), ("content", pa.string())]))


def _sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def messages(batch: pa.Table) -> pa.Array:
    """Each example's chat: the student's prompt and the assistant turn it learns."""
    texts = (batch.column(name).to_pylist() for name in ("question", "reasoning", "answer_text"))
    return pa.array([student_messages(q) + [{"role": "assistant", "content": assistant_target(r or "", a or "")}]
                     for q, r, a in zip(*texts)], type=MESSAGES)


def write_published(train: str, data: Path, hf: Path) -> int:
    """The training set with its `messages` column as Parquet (`data`) and as a Hugging Face dataset directory
    (`hf`), a batch at a time: the dataset is saved from a memory-mapped Arrow file written beside the Parquet, so
    no step holds the whole set. Returns the rows written."""
    import datasets

    schema = arrow_schema(train, "example").append(pa.field("messages", MESSAGES))
    arrow = hf.with_name(hf.name + ".arrow")
    rows = 0
    with pq.ParquetWriter(data, schema) as parquet, pa.OSFile(str(arrow), "wb") as sink, \
            pa.ipc.new_stream(sink, schema) as stream:
        for batch in read_arrow_batches(train, "example", BATCH_ROWS):
            table = batch.append_column(schema.field("messages"), messages(batch)).cast(schema)
            parquet.write_table(table)
            stream.write_table(table)
            rows += table.num_rows
    datasets.Dataset.from_file(str(arrow)).save_to_disk(str(hf))
    arrow.unlink()
    return rows


@dataclass(frozen=True)
class Reference:
    """What a variant is measured against: the ST set, its traces' features and the style profile."""

    st: str
    features: str
    profile: str


def publish(variant: str, settings: VariantSettings, labels: dict[str, Any], train: str, raw: str,
            reference: Reference, prompt: str | None, out: str, version: int | None,
            decontamination: str | None = None, workers: int = 1) -> None:
    profile_data = read_json(reference.profile, "style profile")
    check = getattr(settings, "style_check", None) or StyleCheck()
    statuses = read_table(raw, "example", columns=("status",))["status"]
    st = st_traces(reference.st, reference.features)
    summary = summarize(variant, measured_examples(train, st, profile_data, workers), statuses, profile_data, check)
    provenance = {**labels, "style_profile_sha256": _sha256(reference.profile)}
    if prompt:
        provenance.update(prompt=prompt, prompt_sha256=_sha256(prompt))
    with staged_dir(out) as tmp:
        (tmp / "data").mkdir()
        rows = write_published(train, tmp / "data" / "train.parquet", tmp / "hf")
        write_json(tmp / "features.json", summary)
        cleaned = read_json(decontamination, "decontamination summary") if decontamination else None
        (tmp / "README.md").write_text(card(summary, provenance, settings.to_spec(), cleaned))
        write_manifest(tmp, RULE, version, rows)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--variant", required=True)
    p.add_argument("--train", required=True, help="the variant's train.parquet")
    p.add_argument("--raw", required=True, help="the variant's raw examples (statuses of every problem)")
    p.add_argument("--st", required=True, help="st.parquet (the style reference)")
    p.add_argument("--features", required=True, help="the teacher's features.parquet (the ST traces' features)")
    p.add_argument("--profile", required=True, help="style_profile.json")
    p.add_argument("--prompt", help="the generator prompt (its path and hash go in the card)")
    p.add_argument("--decontamination", help="decontamination.json of the training set (the card cites it)")
    p.add_argument("--out", required=True, help="published directory")


def main(args: argparse.Namespace) -> None:
    set_threads(args.threads)
    job = load_job(args.spec, {"stage", "labels"})
    publish(args.variant, variant_settings(job["stage"]), job["labels"], args.train, args.raw,
            Reference(args.st, args.features, args.profile), args.prompt, args.out, job.version, args.decontamination,
            args.threads)
