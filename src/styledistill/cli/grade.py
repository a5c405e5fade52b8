"""Stage grade: grade each trace's final answer against its gold answer; a second opinion and the audit of where
they disagree."""

from __future__ import annotations

from styledistill.cli._common import run, stage_cli

main = stage_cli("grade", __doc__, "grading.grade")

if __name__ == "__main__":
    raise SystemExit(run(main))
