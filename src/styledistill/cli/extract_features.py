"""Stage extract_features: measure the style of every graded trace and write the style profile of the correct ones."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from styledistill.cli._common import load_spec, parser, run, set_threads
from styledistill.features.spec import parse
from styledistill.io import read_table, write_json, write_table
from styledistill.versions import version

STAGE = "extract_features"
log = logging.getLogger(__name__)


def main(argv: Sequence[str] | None = None) -> None:
    p = parser(STAGE, __doc__)
    p.add_argument("--traces", required=True, help="graded traces (Parquet, graded_trace record)")
    p.add_argument("--features", required=True, help="per-trace features to write (Parquet, features record)")
    p.add_argument("--profile", required=True, help="style profile to write (JSON)")
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
    write_table(features, args.features, "features", STAGE, version(STAGE),
                spacy_model=spec.spacy_model, spacy_version=nlp.spacy_version(), min_types=spec.min_types)
    write_json(args.profile, style)
    log.info("%d traces measured; profile from %d %s traces: %s", len(features), style["n_traces"], style["source"],
             style["brief"])


if __name__ == "__main__":
    raise SystemExit(run(main))
