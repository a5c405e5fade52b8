"""Rule extract_features: measure every graded trace, profile the correct ones, compare correct with incorrect.

Outputs: the per-trace features (Parquet), the style profile (JSON) and, when asked for, the statistics table (CSV
and Markdown) and the figures; they appear together or not at all.
"""

from __future__ import annotations

import argparse
import logging
from dataclasses import dataclass

import pandas as pd

from styledistill.cli._common import load_job
from styledistill.features.settings import FeatureSettings
from styledistill.io import all_or_none, atomic_write_text, read_table, read_table_batches, write_json, write_table

RULE = "extract_features"
KEYS = ("problem_id", "sample")
BATCH_ROWS = 50_000  # traces whose texts are held at a time
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outputs:
    features: str
    profile: str
    stats: str | None = None
    stats_md: str | None = None
    plots: str | None = None


def run(traces_path: str, out: Outputs, settings: FeatureSettings, threads: int, title: str,
        version: int | None) -> None:
    from styledistill.style import extract, nlp, profile

    extract.check_traces(read_table(traces_path, "graded_trace", columns=KEYS), traces_path)
    # the texts a batch at a time: a feature row is small, a trace is not
    features = pd.concat([extract.extract(batch, settings, workers=threads) for batch in
                          read_table_batches(traces_path, "graded_trace", BATCH_ROWS, columns=extract.INPUT_COLUMNS)],
                         ignore_index=True)
    style = profile.build(features, settings)
    if style["source"] == "all":
        log.warning("%s: no correct trace; the style profile is built from all %d traces", traces_path, len(features))
    with all_or_none(out.stats, out.stats_md, out.plots, out.features, out.profile):
        if out.stats or out.stats_md:
            from styledistill.features import length_control, stats, tables

            table = stats.compare(features, profile.NUMERIC_FEATURES, settings.bootstrap, settings.seed)
            table = length_control.control(features, table)
            if out.stats:
                atomic_write_text(out.stats, table.to_csv(index=False, float_format="%.6g"))
            if out.stats_md:
                by_length = length_control.coverage_by_length(features)
                atomic_write_text(out.stats_md, tables.markdown(table, title, settings.bootstrap, settings.min_types,
                                                                by_length))
        if out.plots:
            from styledistill.features import plots

            plots.write(features, out.plots, title)
        write_table(features, out.features, "features", RULE, version, spacy_model=settings.spacy_model,
                    spacy_version=nlp.spacy_version(), min_types=settings.min_types)
        write_json(out.profile, style)
    log.info("%d traces measured; profile from %d %s traces; %.0f%% with >= %d pivot types", len(features),
             style["n_traces"], style["source"], 100 * style["coverage"]["share_min_types"], settings.min_types)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--traces", required=True, help="graded traces (Parquet, graded_trace record)")
    p.add_argument("--features", required=True, help="per-trace features to write (Parquet, features record)")
    p.add_argument("--profile", required=True, help="style profile to write (JSON)")
    p.add_argument("--stats", help="correct vs incorrect traces, one row per feature, to write (CSV)")
    p.add_argument("--stats-md", help="the same table for people to read (Markdown)")
    p.add_argument("--plots", help="directory to write the figures into (PNG)")
    p.add_argument("--title", default="Style features", help="title of the Markdown table and the figures")


def main(args: argparse.Namespace) -> None:
    from styledistill.cli._common import set_threads

    set_threads(args.threads)
    job = load_job(args.spec)
    settings = FeatureSettings.from_spec(job["stage"], "--spec: stage")
    out = Outputs(args.features, args.profile, args.stats, args.stats_md, args.plots)
    run(args.traces, out, settings, args.threads, args.title, job.version)
