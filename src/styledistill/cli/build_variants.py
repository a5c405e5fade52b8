"""Stage build_variants: the training-set variants (ST, ST-HC, ST-HC-W, ST-NT, SBS, ablations), aligned to the same
problems, each published with a dataset card.

`make` builds one variant from its input (the ST set, or another variant's examples), generating or rewriting
traces with the generator model where the kind needs one; `align` picks the problems every variant built; `select`
writes one variant's train.parquet for them; `publish` writes its dataset directory and card; `compare` puts every
variant's style next to ST's.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from styledistill.cli._common import load_job, parser, run, set_threads
from styledistill.cli._generation import GENERATION_PARTS, add_generation_args, generator
from styledistill.errors import UserError
from styledistill.versions import version

STAGE = "build_variants"


def make(args: argparse.Namespace) -> None:
    from styledistill.grading.settings import GradeSettings
    from styledistill.variants.kinds import KINDS
    from styledistill.variants.make import make as make_variant
    from styledistill.variants.make import variant_settings
    from styledistill.variants.settings import GeneratorSettings

    job = load_job(args.spec, GENERATION_PARTS | {"generator", "grading"})
    settings = variant_settings(job["stage"])
    generated = KINDS[settings.kind].generated
    if generated and not args.store:
        raise UserError(f"variant {args.variant} (kind {settings.kind}) needs --store")
    answer_check = GeneratorSettings.from_spec(job["generator"], "--spec: generator") if generated else None
    grading = GradeSettings.from_spec(job["grading"], "--spec: grading")
    make_variant(args.variant, settings, args.input, args.out, grader=grading.grader, generator=answer_check,
                 prompt=args.prompt, profile=args.profile, reference=args.reference,
                 model=generator(args, job) if generated else None, stage=STAGE, version=version(STAGE))


def align(args: argparse.Namespace) -> None:
    from styledistill.variants.make import align as align_variants
    from styledistill.variants.settings import AlignSettings

    settings = AlignSettings.from_spec(load_job(args.spec)["stage"], "--spec: stage")
    align_variants(args.raw, args.out, settings)


def select(args: argparse.Namespace) -> None:
    from styledistill.variants.make import select as select_variant

    select_variant(args.raw, args.problems, args.out, STAGE, version(STAGE))


def publish(args: argparse.Namespace) -> None:
    from styledistill.variants.make import variant_settings
    from styledistill.variants.publish import publish as publish_variant

    job = load_job(args.spec, {"stage", "labels"})
    publish_variant(args.variant, variant_settings(job["stage"]), job["labels"], args.train, args.raw, args.st,
                    args.profile, args.prompt, args.out, STAGE, version(STAGE))


def compare(args: argparse.Namespace) -> None:
    from styledistill.variants.compare import compare_variants

    compare_variants(args.published, args.alignment, args.csv, args.markdown, args.plot)


def _subcommands(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="command", required=True)
    m = sub.add_parser("make", help="build one variant", description="Build one variant's examples from its input.")
    m.add_argument("--spec", default=argparse.SUPPRESS)
    m.add_argument("--threads", type=int, default=argparse.SUPPRESS)
    m.add_argument("--variant", required=True, help="variant name (a key of the variants registry)")
    m.add_argument("--input", required=True, help="st.parquet (record: st), or the raw examples of the variant the "
                                                  "settings' `input` names (record: example)")
    m.add_argument("--profile", help="style_profile.json (kinds that use the style: ST-HC, ablations)")
    m.add_argument("--reference", help="st.parquet, the lengths length matching aims at (kind length_matched)")
    m.add_argument("--model", help="prepared generator model directory (generated kinds; an API generator "
                                   "(backend litellm) takes its model from the spec's provider instead)")
    m.add_argument("--prompt", help="generator prompt template YAML (generated kinds)")
    add_generation_args(m, store_required=False)
    m.add_argument("--out", required=True, help="raw examples parquet (record: example, with status)")
    a = sub.add_parser("align", help="pick the problems every variant built",
                       description="The problems every variant built (capped at build_variants.size), as JSON.")
    a.add_argument("--spec", default=argparse.SUPPRESS)
    a.add_argument("--raw", nargs="+", required=True, help="raw examples of each variant")
    a.add_argument("--out", required=True, help="alignment directory: summary.json (problem ids, statuses per "
                                                "variant) and problems-<digest>.json (the ids)")
    s = sub.add_parser("select", help="one variant's training set",
                       description="A variant's accepted examples of the aligned problems (train.parquet).")
    s.add_argument("--raw", required=True, help="the variant's raw examples")
    s.add_argument("--problems", required=True, help="the aligned problem ids (problems-<digest>.json)")
    s.add_argument("--out", required=True, help="train.parquet")
    pub = sub.add_parser("publish", help="dataset directory and card of one variant",
                         description="Write data/train.parquet (chat messages), hf/ (datasets.save_to_disk), "
                                     "README.md (dataset card) and features.json of one variant.")
    pub.add_argument("--spec", default=argparse.SUPPRESS)
    pub.add_argument("--variant", required=True)
    pub.add_argument("--train", required=True, help="the variant's train.parquet")
    pub.add_argument("--raw", required=True, help="the variant's raw examples (statuses of every problem)")
    pub.add_argument("--st", required=True, help="st.parquet (the style reference)")
    pub.add_argument("--profile", required=True, help="style_profile.json")
    pub.add_argument("--prompt", help="the generator prompt (its path and hash go in the card)")
    pub.add_argument("--out", required=True, help="published directory")
    c = sub.add_parser("compare", help="every variant's style next to ST's",
                       description="A table (CSV, Markdown) and a plot of the variants' features against ST.")
    c.add_argument("--published", nargs="+", required=True, help="published directory of each variant (its "
                                                                 "features.json is read)")
    c.add_argument("--alignment", required=True, help="alignment directory")
    c.add_argument("--csv", required=True)
    c.add_argument("--markdown", required=True)
    c.add_argument("--plot", required=True)


def main(argv: Sequence[str] | None = None) -> None:
    p = parser(STAGE, __doc__)
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    _subcommands(p)
    args = p.parse_args(argv)
    set_threads(args.threads)
    {"make": make, "align": align, "select": select, "publish": publish, "compare": compare}[args.command](args)


if __name__ == "__main__":
    raise SystemExit(run(main))
