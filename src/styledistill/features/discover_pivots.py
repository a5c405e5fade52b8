"""Rule discover_pivots: rank pivot candidates against a reference corpus.

The sentence- and clause-initial 1-4-grams of the traces' reasoning that are over-represented against the reference
(weighted log-odds with an informative Dirichlet prior, Monroe et al. 2008), as a ranked candidate table, to grow a
lexicon from your own teacher's traces.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from styledistill.cli._common import load_job, set_threads
from styledistill.errors import UserError
from styledistill.features.discovery import discover
from styledistill.features.settings import DiscoverySettings, FeatureSettings
from styledistill.io import all_or_none, atomic_write_text, read_jsonl_rows
from styledistill.markdown import table as markdown_table
from styledistill.style.lexicon import Lexicon

TEXT_FIELDS = ("reasoning", "thinking", "solution", "text", "answer")


def _rows(path: str) -> pd.DataFrame:
    if not Path(path).is_file():
        raise UserError(f"{path}: file not found")
    if path.endswith(".parquet"):
        return pd.read_parquet(path)
    if path.endswith(".jsonl"):
        return pd.DataFrame([row for _, row in read_jsonl_rows(path)])
    return pd.DataFrame({"text": [Path(path).read_text()]})


def texts(path: str, field: str | None, fields: tuple[str, ...] = TEXT_FIELDS) -> list[str]:
    """The texts of a file: `field`, else the first of `fields` it has."""
    df = _rows(path)
    chosen = field or next((f for f in fields if f in df.columns), None)
    if chosen is None or chosen not in df.columns:
        raise UserError(f"{path}: no text field {field or ' / '.join(fields)} (columns: {', '.join(df.columns)})")
    return [t if isinstance(t, str) else "" for t in df[chosen]]


def discover_candidates(traces: str, settings: DiscoverySettings, out: str, lexicon: Lexicon) -> None:
    target = texts(traces, None, ("reasoning", "thinking"))
    reference = settings.reference
    if reference == "answers":
        ref = texts(traces, None, ("answer_text", "answer"))
    else:
        ref = texts(reference, settings.reference_field)
    table = discover(target, ref, lexicon, min_count=settings.min_count, prior=settings.prior, top=settings.top)
    markdown = str(Path(out).with_suffix(".md"))
    with all_or_none(out, markdown):
        atomic_write_text(out, table.to_csv(index=False))
        atomic_write_text(markdown, f"# Pivot candidates\n\n{len(target)} traces against {len(ref)} reference "
                                    f"texts ({reference}); weighted log-odds z, Monroe et al. 2008.\n\n"
                                    + markdown_table(list(table.columns), table.values.tolist()) + "\n")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--traces", required=True, help="traces: Parquet (reasoning column) or JSONL (reasoning or "
                                                   "thinking field)")
    p.add_argument("--out", required=True, help="ranked candidates (CSV; a .md twin for people)")


def main(args: argparse.Namespace) -> None:
    """The spec: {"stage": discovery settings (reference: "answers" or a Parquet / JSONL / text file,
    reference_field, min_count, prior, top), "features": the feature settings whose lexicon names the nearest pivot
    type}."""
    set_threads(args.threads)
    job = load_job(args.spec, {"stage", "features"})
    settings = DiscoverySettings.from_spec(job["stage"], "--spec: stage")
    features = FeatureSettings.from_spec(job["features"], "--spec: features")
    discover_candidates(args.traces, settings, args.out, features.lexicon)
