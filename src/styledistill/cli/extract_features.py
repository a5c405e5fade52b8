"""Stage extract_features: measure the style of every graded trace, write the style profile of the correct ones,
and compare correct with incorrect traces (statistics table and figures)."""

from __future__ import annotations

from collections.abc import Sequence

from styledistill.cli._common import load_job, parser, run, set_threads
from styledistill.features.settings import FeatureSettings
from styledistill.versions import version

STAGE = "extract_features"


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
    settings = FeatureSettings.from_spec(load_job(args.spec)["stage"], "--spec: stage")
    set_threads(args.threads)
    from styledistill.features import stage

    out = stage.Outputs(args.features, args.profile, args.stats, args.stats_md, args.plots)
    stage.run(args.traces, out, settings, args.threads, args.title, STAGE, version(STAGE))


if __name__ == "__main__":
    raise SystemExit(run(main))
