"""Stage build_variants: ST, ST-HC, ST-HC-W, ST-NT and SBS training sets, aligned to the same problems.

`make` builds one variant (generating traces with the generator model where the kind needs one);
`align` keeps the problems every variant built successfully and writes one train.parquet per variant.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from pathlib import Path

from styledistill.cli._common import add_generation_args, load_spec, parser, require, run, set_threads
from styledistill.errors import UserError
from styledistill.generation.jobs import GENERATION_KEYS, failures_path
from styledistill.io import read_json, read_table, write_json, write_table
from styledistill.versions import version

STAGE = "build_variants"
MAKE_KEYS = GENERATION_KEYS | {"kind", "answer_check", "answer_marker"}
ALIGN_KEYS = {"size", "seed", "min_size"}
log = logging.getLogger(STAGE)


def make(args: argparse.Namespace) -> None:
    from styledistill.prompting import load_prompt
    from styledistill.variants import build
    from styledistill.variants.kinds import ANSWER_CHECKS, KINDS, needs_generator, required_fields

    spec = load_spec(args.spec, MAKE_KEYS)
    kind = require(spec, "kind")
    if kind not in KINDS:
        raise UserError(f"--spec: kind {kind!r} is not one of {sorted(KINDS)}")
    if spec.get("answer_check", "require") not in ANSWER_CHECKS:
        raise UserError(f"--spec: answer_check must be one of {ANSWER_CHECKS}")
    st = read_table(args.st, "st")
    if not needs_generator(kind):
        out = build.from_st(st, args.variant, kind)
    else:
        if not (args.prompt and args.profile):
            raise UserError(f"variant {args.variant} (kind {kind}) needs --prompt and --profile")
        from styledistill.features.profile import describe

        template = load_prompt(args.prompt, required=required_fields(kind))
        style = describe(read_json(args.profile))
        out = build.generated(st, args.variant, kind, template, style, args.model or None, args.store, spec,
                              failures_out=failures_path(args.out), gpus=args.gpus)
    write_table(out, args.out, "example", STAGE, version(STAGE))


def align(args: argparse.Namespace) -> None:
    from styledistill.variants.build import align as align_variants

    spec = load_spec(args.spec, ALIGN_KEYS)
    if len(args.raw) != len(args.out):
        raise UserError("align: give one --out per --raw, in the same order")
    raw = {}
    for path in args.raw:
        df = read_table(path, "example")
        variant = df["variant"].iloc[0] if len(df) else Path(path).stem
        raw[variant] = df
    aligned, summary = align_variants(raw, spec.get("size"), int(spec.get("seed", 0)))
    min_size = int(spec.get("min_size", 1))
    if summary["problems"] < min_size:
        raise UserError(f"align: only {summary['problems']} problem(s) built in every variant "
                        f"({summary['per_variant']}); build_variants.min_size is {min_size}")
    for (variant, df), out in zip(aligned.items(), args.out):
        write_table(df, out, "example", STAGE, version(STAGE))
    write_json(args.summary, summary)
    log.info("aligned %d problems across %d variants", summary["problems"], len(raw))


def main(argv: Sequence[str] | None = None) -> None:
    p = parser(STAGE, __doc__)
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    sub = p.add_subparsers(dest="command", required=True)
    m = sub.add_parser("make", help="build one variant", description="Build one variant's examples from ST.")
    m.add_argument("--spec", default=argparse.SUPPRESS)
    m.add_argument("--threads", type=int, default=argparse.SUPPRESS)
    m.add_argument("--variant", required=True, help="variant name (a key of the variants registry)")
    m.add_argument("--st", required=True, help="st.parquet (record: st)")
    m.add_argument("--profile", help="style_profile.json (for synthetic kinds)")
    m.add_argument("--model", help="prepared generator model directory (generated kinds; an API generator "
                                       "(backend litellm) takes the provider from the spec instead)")
    m.add_argument("--prompt", help="generator prompt template YAML")
    add_generation_args(m)
    m.add_argument("--out", required=True, help="raw examples parquet (record: example, with status)")
    a = sub.add_parser("align", help="align variants to the same problems", description=align.__doc__)
    a.add_argument("--spec", default=argparse.SUPPRESS)
    a.add_argument("--raw", nargs="+", required=True, help="raw examples of each variant")
    a.add_argument("--out", nargs="+", required=True, help="aligned train.parquet per variant (same order)")
    a.add_argument("--summary", required=True, help="alignment summary JSON")
    args = p.parse_args(argv)
    set_threads(args.threads)
    (make if args.command == "make" else align)(args)


if __name__ == "__main__":
    raise SystemExit(run(main))
