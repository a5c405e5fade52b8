"""What a batch job must find again after a kill: the batches it submitted, in a journal beside the request store.

One JSON line per event, flushed and fsynced before the next step: `upload` (an input file is on the server, with
the request keys it holds), `batch` (a batch was created from it), `closed` (its results were stored). On start, a
batch with no `closed` line is polled again, never resubmitted; an upload with no `batch` line is looked up on the
server (a kill between creating the batch and writing its line) and otherwise submitted from the same file.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

JOURNAL = "batches.journal"  # not *.jsonl: the store reads those as its segments


@dataclass
class Submission:
    file_id: str
    keys: list[str]
    batch_id: str | None = None
    closed: bool = False


@dataclass
class BatchJournal:
    path: Path
    submissions: dict[str, Submission] = field(default_factory=dict)  # by input file id

    @classmethod
    def open(cls, directory: Path) -> BatchJournal:
        journal = cls(Path(directory) / JOURNAL)
        if journal.path.exists():
            for line in journal.path.read_text(encoding="utf-8").splitlines(keepends=True):
                if line.endswith("\n"):  # a line cut short by a kill was never acted on
                    journal._apply(json.loads(line))
        return journal

    def _apply(self, event: dict[str, Any]) -> None:
        if event["event"] == "upload":
            self.submissions[event["file_id"]] = Submission(event["file_id"], event["keys"])
        elif event["event"] == "batch":
            self.submissions[event["file_id"]].batch_id = event["batch_id"]
        elif event["event"] == "closed":
            self.submissions[event["file_id"]].closed = True

    def write(self, **event: Any) -> None:
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(event) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        self._apply(event)

    def open_submissions(self) -> list[Submission]:
        return [s for s in self.submissions.values() if not s.closed]

    def in_flight(self) -> set[str]:
        return {key for s in self.open_submissions() for key in s.keys}
