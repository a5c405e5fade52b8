"""Stage evaluate: a student (base or fine-tuned) answers a benchmark (`answer`: one shard of it), and the answers
are graded and scored (`score`: answering there, or joining the shards)."""

from __future__ import annotations

from styledistill.cli._common import run, stage_cli

main = stage_cli("evaluate", __doc__, {"answer": "evaluation.answer_benchmark", "score": "evaluation.evaluate"})

if __name__ == "__main__":
    raise SystemExit(run(main))
