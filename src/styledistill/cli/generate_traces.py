"""Stage generate_traces: a teacher answers each problem n times; reasoning and answer are split and kept.

With `shard`/`shards` in the spec a job answers only problems i with i mod shards == shard; `--merge` then joins the
shards' tables (sorted by problem id and sample) and their failure sidecars into the stage's output.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from styledistill.cli._common import add_generation_args, load_spec, parser, read_problems, run, set_threads
from styledistill.generation.jobs import GENERATION_KEYS, failures_path, generate_chats
from styledistill.errors import UserError
from styledistill.io import atomic_write_text, read_table, write_table
from styledistill.prompting import load_prompt
from styledistill.records import columns
from styledistill.reasoning import split_completion
from styledistill.versions import version

STAGE = "generate_traces"
SPEC_KEYS = GENERATION_KEYS | {"n_samples", "answer_marker", "limit", "shard", "shards"}
EXTRA_COLUMNS = ["empty", "n_prompt_tokens", "cost_usd"]


def shard_of(problems: pd.DataFrame, spec: dict) -> pd.DataFrame:
    """The problems of this job's shard: every `shards`-th row, starting at row `shard`."""
    shards, shard = int(spec.get("shards") or 1), int(spec.get("shard") or 0)
    if shards < 1 or not 0 <= shard < shards:
        raise UserError(f"--spec: shard {shard} is not in 0..{shards - 1} (shards {shards})")
    return problems.iloc[shard::shards]


def merge(shards: list[str], out: str) -> None:
    """Join shard tables and their failure sidecars into one output."""
    tables = [read_table(path, "trace") for path in shards]
    traces = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=columns("trace"))
    traces = traces.sort_values(["problem_id", "sample"], kind="stable").reset_index(drop=True)
    if traces.duplicated(["problem_id", "sample"]).any():
        raise UserError(f"--merge: shards overlap (a problem appears in more than one of {shards})")
    sidecars = [failures_path(path) for path in shards]
    atomic_write_text(failures_path(out), "".join(p.read_text(encoding="utf-8") for p in sidecars if p.exists()))
    write_table(traces, out, "trace", STAGE, version(STAGE), shards=len(shards))


def main(argv: Sequence[str] | None = None) -> None:
    p = parser(STAGE, __doc__)
    p.add_argument("--problems", help="problems.parquet (record: problem)")
    p.add_argument("--model", help="prepared teacher model directory (backends transformers and vllm; backend "
                                   "litellm takes the provider from the spec's 'model' instead)")
    p.add_argument("--prompt", help="prompt template YAML with a {question} placeholder")
    p.add_argument("--merge", nargs="+", metavar="SHARD", help="join these shard tables into --out instead")
    p.add_argument("--out", required=True, help="traces.parquet to write (record: trace)")
    add_generation_args(p)
    args = p.parse_args(argv)
    if args.merge:
        return merge(args.merge, args.out)
    if not (args.problems and args.prompt):
        raise UserError("--problems and --prompt are required (unless --merge)")
    spec = load_spec(args.spec, SPEC_KEYS)
    set_threads(args.threads)
    problems = shard_of(read_problems(args.problems, spec.get("limit")), spec)
    template = load_prompt(args.prompt, required={"question"})
    chats = [(row.problem_id, template.messages(question=row.question)) for row in problems.itertuples()]
    completions = generate_chats(chats, int(spec.get("n_samples", 1)), args.model or None, args.store, spec,
                                 failures_out=failures_path(args.out), gpus=args.gpus)
    by_id = problems.set_index("problem_id")
    rows = []
    for c in completions:
        split = split_completion(c.response.text, spec.get("answer_marker"), c.response.reasoning_content)
        rows.append({
            "problem_id": c.tag,
            "sample": c.sample,
            "question": by_id.at[c.tag, "question"],
            "gold": by_id.at[c.tag, "answer"],
            "request_key": c.request.key,
            "text": c.response.text,
            "reasoning": split.reasoning,
            "answer_text": split.answer_text,
            "split_method": split.method,
            "finish_reason": c.response.finish_reason,
            "truncated": c.response.finish_reason == "length" or split.unclosed_think,
            "n_completion_tokens": c.response.n_completion_tokens,
            # beyond the trace record: kept, not failures
            "empty": not c.response.text.strip() and not (c.response.reasoning_content or "").strip(),
            "n_prompt_tokens": c.response.n_prompt_tokens,
            "cost_usd": c.response.cost_usd,
        })
    traces = pd.DataFrame(rows, columns=columns("trace") + EXTRA_COLUMNS)
    traces["cost_usd"] = traces["cost_usd"].astype("float64")  # unknown (local models) -> NaN
    write_table(traces, args.out, "trace", STAGE, version(STAGE))


if __name__ == "__main__":
    raise SystemExit(run(main))
