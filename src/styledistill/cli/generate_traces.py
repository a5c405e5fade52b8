"""Stage generate_traces: a teacher answers each problem n times; reasoning and answer are split and kept."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from styledistill.cli._common import load_spec, parser, read_problems, run, set_threads
from styledistill.generation.jobs import GENERATION_KEYS, failures_path, generate_chats
from styledistill.io import write_table
from styledistill.prompting import load_prompt
from styledistill.records import columns
from styledistill.reasoning import split_completion
from styledistill.versions import version

STAGE = "generate_traces"
SPEC_KEYS = GENERATION_KEYS | {"n_samples", "answer_marker", "limit"}


def main(argv: Sequence[str] | None = None) -> None:
    p = parser(STAGE, __doc__)
    p.add_argument("--problems", required=True, help="problems.parquet (record: problem)")
    p.add_argument("--model", help="prepared teacher model directory (backend transformers; backend litellm takes "
                                   "the provider from the spec's 'model' instead)")
    p.add_argument("--prompt", required=True, help="prompt template YAML with a {question} placeholder")
    p.add_argument("--out", required=True, help="traces.parquet to write (record: trace)")
    p.add_argument("--store", default="work/requests", help="root of the finished-request store")
    args = p.parse_args(argv)
    spec = load_spec(args.spec, SPEC_KEYS)
    set_threads(args.threads)
    problems = read_problems(args.problems, spec.get("limit"))
    template = load_prompt(args.prompt, required={"question"})
    chats = [(row.problem_id, template.messages(question=row.question)) for row in problems.itertuples()]
    completions = generate_chats(chats, int(spec.get("n_samples", 1)), args.model or None, args.store, spec,
                                 failures_out=failures_path(args.out))
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
    traces = pd.DataFrame(rows, columns=columns("trace") + ["empty", "n_prompt_tokens", "cost_usd"])
    traces["cost_usd"] = traces["cost_usd"].astype("float64")  # unknown (local models) -> NaN
    write_table(traces, args.out, "trace", STAGE, version(STAGE))


if __name__ == "__main__":
    raise SystemExit(run(main))
