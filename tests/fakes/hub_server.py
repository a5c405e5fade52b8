"""A local stand-in for the Hugging Face hub: the HTTP endpoints `huggingface_hub.snapshot_download` calls (a
revision's commit, the file tree, each file's metadata and bytes), serving directories as repositories."""

from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlparse

COMMIT = "0123456789abcdef0123456789abcdef01234567"


class FakeHub:
    """Serves each repository id -> local directory at one commit; `requests` lists (method, path) as received."""

    def __init__(self, repos: dict[str, Path], commit: str = COMMIT) -> None:
        self.repos, self.commit = repos, commit
        self.requests: list[tuple[str, str]] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def _files(self, root: Path) -> list[str]:
        return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())

    def answer(self, path: str) -> tuple[int, bytes, dict[str, str]]:
        for repo, root in self.repos.items():  # each repository answers as a model and as a dataset
            if path.rstrip("/") in (f"/api/models/{repo}", f"/api/datasets/{repo}"):
                return 200, json.dumps({"id": repo, "sha": self.commit}).encode(), {"Content-Type": "application/json"}
            if path.startswith(f"/api/models/{repo}/revision/"):
                body = {"id": repo, "sha": self.commit, "siblings": [{"rfilename": f} for f in self._files(root)]}
                return 200, json.dumps(body).encode(), {"Content-Type": "application/json"}
            if path.startswith(f"/api/models/{repo}/tree/"):
                body = [{"type": "file", "path": f, "size": (root / f).stat().st_size,
                         "oid": hashlib.sha1((root / f).read_bytes()).hexdigest()} for f in self._files(root)]
                return 200, json.dumps(body).encode(), {"Content-Type": "application/json"}
            if path.startswith(f"/{repo}/resolve/"):
                data = (root / path[len(f"/{repo}/resolve/"):].split("/", 1)[1]).read_bytes()
                return 200, data, {"X-Repo-Commit": self.commit, "ETag": f'"{hashlib.sha1(data).hexdigest()}"'}
        return 404, b'{"error": "Repository not found"}', {"X-Error-Code": "RepoNotFound"}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _reply(self, head: bool) -> None:
                hub.requests.append((self.command, self.path))
                status, body, headers = hub.answer(unquote(urlparse(self.path).path))
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if not head:
                    self.wfile.write(body)

            def do_GET(self) -> None:
                self._reply(False)

            def do_HEAD(self) -> None:
                self._reply(True)

        return Handler

    def __enter__(self) -> FakeHub:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
