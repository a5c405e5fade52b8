"""Stage train_sft: fine-tune a prepared student on one variant's examples, loss on the assistant turn only."""

from __future__ import annotations

from styledistill.cli._common import run, stage_cli

main = stage_cli("train_sft", __doc__, "sft.train_sft")

if __name__ == "__main__":
    raise SystemExit(run(main))
