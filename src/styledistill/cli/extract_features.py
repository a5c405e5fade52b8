"""Stage extract_features: measure the style of every graded trace, write the style profile of the correct ones,
and compare correct with incorrect traces (statistics table and figures)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from styledistill.cli._common import load_spec, parser, run, set_threads
from styledistill.features.spec import parse
from styledistill.io import atomic_write_text, read_table, write_json, write_table
from styledistill.versions import version

STAGE = "extract_features"
log = logging.getLogger(__name__)


def main(argv: Sequence[str] | None = None) -> None:
    p = parser(STAGE, __doc__)
    p.add_argument("--traces", required=True, help="graded traces (Parquet, graded_trace record)")
    p.add_argument("--features", required=True, help="per-trace features to write (Parquet, features record)")
    p.add_argument("--profile", required=True, help="style profile to write (JSON)")
    p.add_argument("--stats", help="correct vs incorrect traces, one row per feature, to write (CSV)")
    p.add_argument("--stats-md", help="the same table for people to read (Markdown)")
    p.add_argument("--plots", help="directory to write the figures into (PNG)")
    p.add_argument("--title", default="Style features", help="title of the Markdown table and the figures")
    args = p.parse_args(argv)
    spec = parse(load_spec(args.spec))
    set_threads(args.threads)
    from styledistill.features import extract, nlp, profile

    traces = read_table(args.traces, "graded_trace")
    extract.check_traces(traces, args.traces)
    features = extract.extract(traces, spec, threads=args.threads)
    style = profile.build(features, spec)
    if style["source"] == "all":
        log.warning("%s: no correct trace; the style profile is built from all %d traces", args.traces, len(traces))
    if args.stats or args.stats_md:
        from styledistill.features import stats, tables

        table = stats.compare(features, profile.NUMERIC_FEATURES, spec.bootstrap, spec.seed)
        if args.stats:
            atomic_write_text(args.stats, table.to_csv(index=False, float_format="%.6g"))
        if args.stats_md:
            atomic_write_text(args.stats_md, tables.markdown(table, args.title, spec.bootstrap, spec.min_types))
    if args.plots:
        from styledistill.features import plots

        plots.write(features, args.plots, args.title)
    write_table(features, args.features, "features", STAGE, version(STAGE),
                spacy_model=spec.spacy_model, spacy_version=nlp.spacy_version(), min_types=spec.min_types)
    write_json(args.profile, style)
    log.info("%d traces measured; profile from %d %s traces: %s", len(features), style["n_traces"], style["source"],
             style["brief"])


if __name__ == "__main__":
    raise SystemExit(run(main))
