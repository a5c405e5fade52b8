"""Stage evaluate: a student (base or fine-tuned) answers a benchmark; answers are graded and scored."""

from __future__ import annotations

from styledistill.cli._common import run, stage_cli

main = stage_cli("evaluate", __doc__, "evaluation.evaluate")

if __name__ == "__main__":
    raise SystemExit(run(main))
