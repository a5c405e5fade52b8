"""A crash-safe, append-only store of finished responses.

Layout: one directory per model identity, holding JSONL segments. Each writing process appends to a segment of its
own (named by host, pid and a random suffix), so parallel shards never write the same file and no lock is needed —
which also holds on NFS, where POSIX locks and O_APPEND across hosts are unreliable. Each line is one complete JSON
record, flushed and fsynced before the response counts as done; a line cut short by kill -9 is ignored when read.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import uuid
from pathlib import Path
from typing import IO

from styledistill.generation.request import Response

log = logging.getLogger(__name__)


class RequestStore:
    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self._done: dict[str, Response] = {}
        self._segment: IO[str] | None = None
        self._load()

    def _load(self) -> None:
        torn = 0
        for segment in sorted(self.directory.glob("*.jsonl")):
            with open(segment, encoding="utf-8") as handle:
                for line in handle:
                    if not line.endswith("\n"):
                        torn += 1  # the write was cut off mid-line: the request was not finished
                        continue
                    try:
                        record = json.loads(line)
                    except json.JSONDecodeError:
                        torn += 1
                        continue
                    self._done[record["key"]] = Response.from_record(record)
        if torn:
            log.warning("%s: ignored %d torn record(s) from interrupted writers", self.directory, torn)

    def __contains__(self, key: str) -> bool:
        return key in self._done

    def __len__(self) -> int:
        return len(self._done)

    def get(self, key: str) -> Response | None:
        return self._done.get(key)

    def put(self, responses: list[Response]) -> None:
        """Append responses durably; they count as finished only after fsync returns."""
        if not responses:
            return
        if self._segment is None:
            name = f"seg-{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}.jsonl"
            self._segment = open(self.directory / name, "a", encoding="utf-8")
        self._segment.write("".join(json.dumps(r.to_record(), ensure_ascii=False) + "\n" for r in responses))
        self._segment.flush()
        os.fsync(self._segment.fileno())
        for response in responses:
            self._done[response.key] = response

    def close(self) -> None:
        if self._segment is not None:
            self._segment.close()
            self._segment = None
