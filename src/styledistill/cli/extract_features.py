"""Stage extract_features: measure the style of every graded trace, write the style profile of the correct ones,
and compare correct with incorrect traces (statistics table and figures); discover pivot candidates.

`measure` is what the workflow runs. `discover` mines the sentence- and clause-initial 1-4-grams of the traces'
reasoning that are over-represented against a reference corpus (weighted log-odds with an informative Dirichlet
prior, Monroe et al. 2008) and writes a ranked candidate table, to grow a lexicon from your own teacher's traces.
`students` measures a student's benchmark outputs against the teacher's ST profile (did the student copy the style?).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from styledistill.cli._common import load_job, parser, run, set_threads
from styledistill.versions import version

STAGE = "extract_features"


def measure(args: argparse.Namespace) -> None:
    from styledistill.features import stage
    from styledistill.features.settings import FeatureSettings

    settings = FeatureSettings.from_spec(load_job(args.spec)["stage"], "--spec: stage")
    out = stage.Outputs(args.features, args.profile, args.stats, args.stats_md, args.plots)
    stage.run(args.traces, out, settings, args.threads, args.title, STAGE, version(STAGE))


def discover(args: argparse.Namespace) -> None:
    from styledistill.features.discover_stage import discover_candidates
    from styledistill.features.settings import DiscoverySettings, FeatureSettings

    job = load_job(args.spec, {"stage", "features"})
    settings = DiscoverySettings.from_spec(job["stage"], "--spec: stage")
    features = FeatureSettings.from_spec(job["features"], "--spec: features")
    discover_candidates(args.traces, settings, args.out, features.lexicon)


def students(args: argparse.Namespace) -> None:
    from styledistill.features.settings import StyleCheck
    from styledistill.features.student_style import run

    job = load_job(args.spec, {"stage", "labels"})
    check = StyleCheck.from_spec(job["stage"], "--spec: stage")
    run(args.samples, args.profile, args.out, args.summary, check, job["labels"], STAGE, version(STAGE))


def main(argv: Sequence[str] | None = None) -> None:
    p = parser(STAGE, __doc__)
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    sub = p.add_subparsers(dest="command", required=True)
    m = sub.add_parser("measure", help="features, style profile, statistics and figures",
                       description="Measure every graded trace; profile the correct ones; compare the outcomes.")
    m.add_argument("--spec", default=argparse.SUPPRESS)
    m.add_argument("--threads", type=int, default=argparse.SUPPRESS)
    m.add_argument("--traces", required=True, help="graded traces (Parquet, graded_trace record)")
    m.add_argument("--features", required=True, help="per-trace features to write (Parquet, features record)")
    m.add_argument("--profile", required=True, help="style profile to write (JSON)")
    m.add_argument("--stats", help="correct vs incorrect traces, one row per feature, to write (CSV)")
    m.add_argument("--stats-md", help="the same table for people to read (Markdown)")
    m.add_argument("--plots", help="directory to write the figures into (PNG)")
    m.add_argument("--title", default="Style features", help="title of the Markdown table and the figures")
    d = sub.add_parser("discover", help="rank pivot candidates against a reference corpus",
                       description="Sentence- and clause-initial 1-4-grams of the reasoning, ranked by weighted "
                                   "log-odds z against the reference (Monroe et al. 2008).")
    d.add_argument("--spec", default=argparse.SUPPRESS, help='{"stage": discovery settings (reference: "answers" or '
                   'a Parquet / JSONL / text file, reference_field, min_count, prior, top), "features": the feature '
                   'settings whose lexicon names the nearest pivot type}')
    d.add_argument("--threads", type=int, default=argparse.SUPPRESS)
    d.add_argument("--traces", required=True, help="traces: Parquet (reasoning column) or JSONL (reasoning or "
                                                   "thinking field)")
    d.add_argument("--out", required=True, help="ranked candidates (CSV; a .md twin for people)")
    t = sub.add_parser("students", help="a student's benchmark outputs measured against the teacher's ST profile",
                       description="Did the student copy the style? Each output's features and style distance to "
                                   "the teacher's ST profile; a summary with coverage vs correctness at a fixed "
                                   "length.")
    t.add_argument("--spec", default=argparse.SUPPRESS, help='{"stage": the style check settings, "labels": family, '
                   'teacher, dataset, variant, benchmark}')
    t.add_argument("--threads", type=int, default=argparse.SUPPRESS)
    t.add_argument("--samples", required=True, help="the evaluation's samples.parquet (record: eval_sample)")
    t.add_argument("--profile", required=True, help="the teacher's ST style profile (style_profile.json)")
    t.add_argument("--out", required=True, help="per-output features and style distance to write (Parquet)")
    t.add_argument("--summary", required=True, help="the evaluation's style summary to write (JSON)")
    args = p.parse_args(argv)
    set_threads(args.threads)
    {"measure": measure, "discover": discover, "students": students}[args.command](args)


if __name__ == "__main__":
    raise SystemExit(run(main))
