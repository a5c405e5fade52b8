"""Stage build_variants: ST, ST-HC, ST-HC-W, ST-NT and SBS training sets, aligned to the same problems.

`make` builds one variant from its input (the ST set, or another variant's examples), generating traces with the
generator model where the kind needs one; `align` keeps the problems every variant built successfully and writes one
train.parquet per variant.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from styledistill.cli._common import load_job, parser, run, set_threads
from styledistill.cli._generation import GENERATION_PARTS, add_generation_args, generator
from styledistill.versions import version

STAGE = "build_variants"


def make(args: argparse.Namespace) -> None:
    from styledistill.variants.make import make as make_variant
    from styledistill.variants.make import variant_settings
    from styledistill.variants.settings import GeneratorSettings

    job = load_job(args.spec, GENERATION_PARTS | {"generator"})
    settings = variant_settings(job["stage"])
    answer_check = GeneratorSettings.from_spec(job["generator"], "--spec: generator")
    make_variant(args.variant, settings, args.input, args.out, generator=answer_check, prompt=args.prompt,
                 profile=args.profile, model=generator(args, job), stage=STAGE, version=version(STAGE))


def align(args: argparse.Namespace) -> None:
    from styledistill.variants.make import align as align_variants
    from styledistill.variants.settings import AlignSettings

    settings = AlignSettings.from_spec(load_job(args.spec)["stage"], "--spec: stage")
    align_variants(args.raw, args.out, args.summary, settings, STAGE, version(STAGE))


def main(argv: Sequence[str] | None = None) -> None:
    p = parser(STAGE, __doc__)
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    sub = p.add_subparsers(dest="command", required=True)
    m = sub.add_parser("make", help="build one variant", description="Build one variant's examples from its input.")
    m.add_argument("--spec", default=argparse.SUPPRESS)
    m.add_argument("--threads", type=int, default=argparse.SUPPRESS)
    m.add_argument("--variant", required=True, help="variant name (a key of the variants registry)")
    m.add_argument("--input", required=True, help="st.parquet (record: st), or the raw examples of the variant the "
                                                  "settings' `input` names (record: example)")
    m.add_argument("--profile", help="style_profile.json (for generated kinds)")
    m.add_argument("--model", help="prepared generator model directory (generated kinds; an API generator "
                                   "(backend litellm) takes its model from the spec's provider instead)")
    m.add_argument("--prompt", help="generator prompt template YAML")
    add_generation_args(m)
    m.add_argument("--out", required=True, help="raw examples parquet (record: example, with status)")
    a = sub.add_parser("align", help="align variants to the same problems",
                       description="Keep the problems every variant built; one train.parquet per variant.")
    a.add_argument("--spec", default=argparse.SUPPRESS)
    a.add_argument("--raw", nargs="+", required=True, help="raw examples of each variant")
    a.add_argument("--out", nargs="+", required=True, help="aligned train.parquet per variant (same order)")
    a.add_argument("--summary", required=True, help="alignment summary JSON")
    args = p.parse_args(argv)
    set_threads(args.threads)
    {"make": make, "align": align}[args.command](args)


if __name__ == "__main__":
    raise SystemExit(run(main))
