"""Stage generate_traces: a teacher answers each problem n times; reasoning and answer are split and kept.

The spec's `stage` holds n_samples, answer_marker, limit, and the job's `shard` of `shards`: a job answers only
problems i with i mod shards == shard. `--merge` then joins the shards' tables (sorted by problem id and sample) and
their failure sidecars into the stage's output.
"""

from __future__ import annotations

from collections.abc import Sequence

from styledistill.cli._common import load_job, parser, run, set_threads
from styledistill.cli._generation import GENERATION_PARTS, add_generation_args, generator
from styledistill.errors import UserError
from styledistill.versions import version

STAGE = "generate_traces"


def main(argv: Sequence[str] | None = None) -> None:
    p = parser(STAGE, __doc__)
    p.add_argument("--problems", help="problems.parquet (record: problem)")
    p.add_argument("--model", help="prepared teacher model directory (backends transformers and vllm; backend "
                                   "litellm takes the model from the spec's provider instead)")
    p.add_argument("--prompt", help="prompt template YAML with a {question} placeholder")
    p.add_argument("--merge", nargs="+", metavar="SHARD", help="join these shard tables into --out instead")
    p.add_argument("--out", required=True, help="traces.parquet to write (record: trace)")
    add_generation_args(p, store_required=False)
    args = p.parse_args(argv)
    if args.merge:
        from styledistill.traces.merge import merge

        return merge(args.merge, args.out, STAGE, version(STAGE))
    if not (args.problems and args.prompt and args.store):
        raise UserError("--problems, --prompt and --store are required (unless --merge)")
    job = load_job(args.spec, GENERATION_PARTS)
    from styledistill.traces.settings import PROMPT_FIELDS, TraceJob

    settings = TraceJob.from_spec(job["stage"], "--spec: stage")
    teacher = generator(args, job)
    set_threads(args.threads)
    from styledistill.generation.jobs import failures_path
    from styledistill.io import write_table
    from styledistill.problems.table import read_problems
    from styledistill.prompting import load_prompt
    from styledistill.traces.generate import answer

    problems = read_problems(args.problems, settings.limit)
    template = load_prompt(args.prompt, required=PROMPT_FIELDS, allowed=PROMPT_FIELDS)
    traces = answer(problems, template, settings, teacher, failures_path(args.out))
    write_table(traces, args.out, "trace", STAGE, version(STAGE))


if __name__ == "__main__":
    raise SystemExit(run(main))
