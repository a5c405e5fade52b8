"""Rule publish_variant: one variant's training set as chat messages in Parquet and as a Hugging Face dataset
directory, with a dataset card and its feature summary next to ST's. The directory appears whole or not at all."""

from __future__ import annotations

import argparse
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from styledistill.cli._common import load_job
from styledistill.io import read_json, read_table, staged_dir, write_json, write_manifest
from styledistill.prompting import assistant_target, student_messages
from styledistill.style.settings import StyleCheck
from styledistill.variants.card import card
from styledistill.variants.settings import VariantSettings, variant_settings
from styledistill.variants.summary import st_features, summarize

RULE = "publish_variant"


def _sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def with_messages(examples: pd.DataFrame) -> pd.DataFrame:
    """The examples with a `messages` column: the student's prompt and the assistant turn it learns."""
    out = examples.copy()
    out["messages"] = [student_messages(q) + [{"role": "assistant", "content": assistant_target(r or "", a or "")}]
                       for q, r, a in zip(out["question"], out["reasoning"], out["answer_text"])]
    return out


@dataclass(frozen=True)
class Reference:
    """What a variant is measured against: the ST set, its traces' features and the style profile."""

    st: str
    features: str
    profile: str


def publish(variant: str, settings: VariantSettings, labels: dict[str, Any], train: str, raw: str,
            reference: Reference, prompt: str | None, out: str, version: int | None,
            decontamination: str | None = None) -> None:
    import datasets

    examples, built = read_table(train, "example"), read_table(raw, "example")
    profile_data = read_json(reference.profile, "style profile")
    check = getattr(settings, "style_check", None) or StyleCheck()
    st = read_table(reference.st, "st")
    theirs = st_features(st, read_table(reference.features, "features"), reference.features)
    summary = summarize(variant, examples, built, st, theirs, profile_data, check)
    del st, theirs  # the ST texts are not needed for writing
    provenance = {**labels, "style_profile_sha256": _sha256(reference.profile)}
    if prompt:
        provenance.update(prompt=prompt, prompt_sha256=_sha256(prompt))
    table = with_messages(examples)
    with staged_dir(out) as tmp:
        (tmp / "data").mkdir()
        table.to_parquet(tmp / "data" / "train.parquet", index=False)
        datasets.Dataset.from_pandas(table, preserve_index=False).save_to_disk(str(tmp / "hf"))
        write_json(tmp / "features.json", summary)
        cleaned = read_json(decontamination, "decontamination summary") if decontamination else None
        (tmp / "README.md").write_text(card(summary, provenance, settings.to_spec(), cleaned))
        write_manifest(tmp, RULE, version, len(table))


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
    job = load_job(args.spec, {"stage", "labels"})
    publish(args.variant, variant_settings(job["stage"]), job["labels"], args.train, args.raw,
            Reference(args.st, args.features, args.profile), args.prompt, args.out, job.version, args.decontamination)
