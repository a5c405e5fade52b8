"""A local OpenAI-compatible chat server for tests: real HTTP, real JSON, scriptable faults, hit counts.

`POST /v1/chat/completions` answers like an OpenAI-compatible server (`choices`, `usage`, optionally
`reasoning_content` or vLLM's `reasoning`). Each request is counted under its *content key*: the content of its last
user message. A script maps a substring of that content to a list of faults, one per hit (hit 1 gets the first
fault, ...; the longest matching substring wins); once the list is used up, the request is answered normally. Faults:

    ok              a normal answer
    429             rate limited, no Retry-After header
    429:<s>         rate limited with `Retry-After: <s>`
    500, 503        server errors
    400             a bad request (not retryable)
    401_echo        unauthorized, with the Authorization header echoed in the message (tests key scrubbing)
    hang:<s>        sleep <s> seconds before answering (past the client's timeout)
    drop            close the connection without an answer
    malformed       HTTP 200 with a body that is not JSON
    no_choices      HTTP 200, valid JSON without `choices`
    empty           HTTP 200, empty content and no reasoning
    no_reasoning    HTTP 200, content only (no reasoning field)
    length          HTTP 200, `finish_reason: length`
    think_tags      HTTP 200, reasoning inside <think> tags in the content instead of a separate field

The Files and Batches endpoints of OpenAI's Batch API are there too: `POST /v1/files` (multipart upload),
`POST /v1/batches`, `GET /v1/batches[/<id>]`, `GET /v1/files/<id>/content`. A batch finishes on its
`batch_polls`-th retrieval; each of its lines is answered like a chat completion, under the same script (a hit per
line), where these faults act on the line: `batch_error` (in the error file), `batch_omit` (no result line),
`batch_malformed` (a result line that is not JSON), and 400/500 (a result line with that status). `batch_faults`
lists whole-batch outcomes, one per created batch: `expire` (status expired, only the first half answered), `fail`
(status failed, no results), `ok`.

Bounded: binds 127.0.0.1 only and shuts itself down after `lifetime` seconds. Use it in-process
(`with FakeOpenAI(...) as server:`), or as a subprocess: `python -m tests.fakes.openai_server --port-file P
[--script S.json] [--delay 0.03]`, controlled over HTTP: `POST /control/script` {"match": ..., "faults": [...]},
`GET /control/hits`, `POST /control/reset`, `POST /control/shutdown`.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


def content_key(body: dict[str, Any]) -> str:
    users = [m.get("content") for m in body.get("messages", []) if m.get("role") == "user"]
    content = users[-1] if users else ""
    if isinstance(content, list):  # content parts
        content = "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content)


def _words(text: str) -> int:
    return max(1, len(text.split()))


class FakeOpenAI:
    def __init__(
        self,
        *,
        delay: float = 0.0,
        reasoning_field: str | None = "reasoning_content",
        lifetime: float = 600.0,
        script: dict[str, list[str]] | None = None,
        answer: Callable[[str], str] | None = None,
    ) -> None:
        self.delay = delay
        self.answer = answer or (lambda key: "42")  # the boxed final answer for a content key
        self.reasoning_field = reasoning_field  # reasoning_content, reasoning (vLLM 0.32), or None
        self.lifetime = lifetime
        self._lock = threading.Lock()
        self._script: dict[str, list[str]] = dict(script or {})
        self.hits: Counter[str] = Counter()
        self.log: list[tuple[float, str, str]] = []  # (time, content key, fault)
        self.authorization: Counter[str] = Counter()  # Authorization headers seen (tests compare with a canary)
        self.bodies: list[dict[str, Any]] = []  # every chat completion request body, in arrival order
        self.in_flight = 0
        self.max_in_flight = 0
        self.files: dict[str, bytes] = {}
        self.batches: dict[str, dict[str, Any]] = {}  # id -> the batch object, in creation order
        self.batch_polls = 1  # retrievals until a batch is finished
        self.batch_faults: list[str] = []  # whole-batch outcome of each batch created next
        self.served_model: str | None = None  # the `model` answers name (None: the model asked for)
        self._httpd: ThreadingHTTPServer | None = None
        self._timer: threading.Timer | None = None

    # --- control ---------------------------------------------------------------------------------------------
    def script(self, match: str, faults: list[str]) -> None:
        with self._lock:
            self._script[match] = list(faults)

    def reset(self) -> None:
        with self._lock:
            self._script.clear()
            self.hits.clear()
            self.log.clear()
            self.authorization.clear()
            self.max_in_flight = 0

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self.hits)

    @property
    def total_hits(self) -> int:
        with self._lock:
            return sum(self.hits.values())

    @property
    def port(self) -> int:
        assert self._httpd is not None
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self, port: int = 0) -> FakeOpenAI:
        server = self

        class Handler(_Handler):
            fake = server

        self._httpd = _Server(("127.0.0.1", port), Handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self._timer = threading.Timer(self.lifetime, self.stop)
        self._timer.daemon = True
        self._timer.start()
        return self

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        if self._httpd is not None:
            httpd, self._httpd = self._httpd, None
            httpd.shutdown()
            httpd.server_close()

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- per request -----------------------------------------------------------------------------------------
    def _fault_for(self, key: str, authorization: str) -> str:
        with self._lock:
            self.hits[key] += 1
            self.authorization[authorization] += 1
            n = self.hits[key]
            fault = "ok"
            matches = [m for m in self._script if m in key]
            if matches:  # the longest matching substring wins
                faults = self._script[max(matches, key=len)]
                fault = faults[n - 1] if n <= len(faults) else "ok"
            self.log.append((time.time(), key, fault))
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            return fault

    def _done(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def completion(self, body: dict[str, Any], key: str, fault: str) -> dict[str, Any]:
        reasoning = f"Let me think about it. Wait, let me check the numbers in: {key[:60]}"
        content = f"So the final answer is \\boxed{{{self.answer(key)}}}."
        finish = "stop"
        field = self.reasoning_field
        if fault == "empty":
            content, field = "", None
        elif fault == "no_reasoning":
            field = None
        elif fault == "think_tags":
            content, field = f"<think>{reasoning}</think>{content}", None
        elif fault == "length":
            content, finish = "So the final answer is", "length"
        message: dict[str, Any] = {"role": "assistant", "content": content}
        if field:
            message[field] = reasoning
        prompt_tokens = sum(_words(str(m.get("content", ""))) + 4 for m in body.get("messages", []))
        completion_tokens = (_words(content) if content else 0) + (_words(reasoning) if field else 0)
        if finish == "length":
            completion_tokens = int(body.get("max_tokens") or completion_tokens)
        return {
            "id": f"chatcmpl-fake-{int(time.time() * 1e6)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": self.served_model or body.get("model", "fake"),
            "system_fingerprint": "fp_fake",
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                      "total_tokens": prompt_tokens + completion_tokens},
        }


    # --- the Batch API -------------------------------------------------------------------------------------------
    def add_file(self, data: bytes, purpose: str, filename: str = "upload.jsonl") -> dict[str, Any]:
        with self._lock:
            file_id = f"file-{len(self.files) + 1:04d}"
            self.files[file_id] = data
        return {"id": file_id, "object": "file", "bytes": len(data), "created_at": int(time.time()),
                "filename": filename, "purpose": purpose, "status": "processed"}

    def create_batch(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            batch_id = f"batch-{len(self.batches) + 1:04d}"
            outcome = self.batch_faults.pop(0) if self.batch_faults else "ok"
            total = len(self.files[body["input_file_id"]].splitlines())
            self.batches[batch_id] = {
                "id": batch_id, "object": "batch", "endpoint": body["endpoint"], "status": "in_progress",
                "input_file_id": body["input_file_id"], "completion_window": body["completion_window"],
                "created_at": int(time.time()), "output_file_id": None, "error_file_id": None,
                "metadata": body.get("metadata"), "request_counts": {"total": total, "completed": 0, "failed": 0},
                "_outcome": outcome, "_polls": 0}
            return self.batches[batch_id]

    def retrieve_batch(self, batch_id: str) -> dict[str, Any]:
        batch = self.batches[batch_id]
        with self._lock:
            batch["_polls"] += 1
            ready = batch["status"] == "in_progress" and batch["_polls"] >= self.batch_polls
        if ready:
            self._run_batch(batch)
        return batch

    def _run_batch(self, batch: dict[str, Any]) -> None:
        lines = self.files[batch["input_file_id"]].decode().splitlines()
        outcome = batch["_outcome"]
        if outcome == "fail":
            batch.update(status="failed")
            return
        if outcome == "expire":
            lines = lines[: len(lines) // 2]
        output, errors = [], []
        for line in lines:
            entry = json.loads(line)
            key = content_key(entry["body"])
            fault = self._fault_for(key, "batch")
            try:
                if fault == "batch_omit":
                    continue
                if fault == "batch_malformed":
                    output.append('{"custom_id": "' + entry["custom_id"][:10])
                elif fault == "batch_error":
                    errors.append(json.dumps({"custom_id": entry["custom_id"], "response": None,
                                              "error": {"code": "invalid_request", "message": "fake line error"}}))
                elif fault in ("400", "500"):
                    output.append(json.dumps({"custom_id": entry["custom_id"], "response": {
                        "status_code": int(fault), "body": {"error": {"message": f"fake {fault}"}}}, "error": None}))
                else:
                    body = self.completion(entry["body"], key, fault)
                    output.append(json.dumps({"custom_id": entry["custom_id"], "error": None,
                                              "response": {"status_code": 200, "body": body}}))
            finally:
                self._done()
        done = {"status": "expired" if outcome == "expire" else "completed"}
        if output:
            done["output_file_id"] = self.add_file(("\n".join(output) + "\n").encode(), "batch_output")["id"]
        if errors:
            done["error_file_id"] = self.add_file(("\n".join(errors) + "\n").encode(), "batch_output")["id"]
        batch["request_counts"].update(completed=len(output), failed=len(errors))
        batch.update(done)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024  # hundreds of clients connect at once in bench/api.py (the default backlog is 5)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that died mid-request (kill -9 in the tests) is expected: no traceback."""
        import sys

        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    fake: FakeOpenAI
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _send(self, status: int, payload: bytes, headers: dict[str, str] | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
            self.wfile.flush()
        except OSError:  # the client gave up (timeout, or it was killed)
            pass

    def _error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        body = {"error": {"message": message, "type": "fake_error", "code": status}}
        self._send(status, json.dumps(body).encode(), headers)

    def _public(self, batch: dict[str, Any]) -> bytes:
        return json.dumps({k: v for k, v in batch.items() if not k.startswith("_")}).encode()

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        if path.startswith("/v1/batches"):
            batch_id = path.removeprefix("/v1/batches").strip("/")
            if not batch_id:
                listed = [{k: v for k, v in b.items() if not k.startswith("_")} for b in self.fake.batches.values()]
                self._send(200, json.dumps({"object": "list", "data": listed[::-1], "has_more": False}).encode())
            elif batch_id in self.fake.batches:
                self._send(200, self._public(self.fake.retrieve_batch(batch_id)))
            else:
                self._error(404, f"no batch {batch_id}")
        elif path.startswith("/v1/files/") and path.endswith("/content"):
            data = self.fake.files.get(path.split("/")[3])
            if data is None:
                self._error(404, "no such file")
            else:
                self._send(200, data, {"Content-Type": "application/octet-stream"})
        elif self.path == "/control/hits":
            self._send(200, json.dumps(self.fake.snapshot()).encode())
        elif self.path in ("/v1/models", "/models"):
            self._send(200, json.dumps({"object": "list", "data": [{"id": "fake", "object": "model"}]}).encode())
        else:
            self._error(404, "not found")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if len(raw) < length:  # the client died mid-request: nothing was sent, nothing is counted
            self.close_connection = True
            return
        if self.path.startswith("/control/"):
            self._control(self.path.removeprefix("/control/"), raw)
            return
        if self.path == "/v1/files":
            self._send(200, json.dumps(self._upload(raw)).encode())
            return
        if self.path == "/v1/batches":
            self._send(200, self._public(self.fake.create_batch(json.loads(raw))))
            return
        if self.path not in ("/v1/chat/completions", "/chat/completions"):
            self._error(404, f"no route {self.path}")
            return
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            self._error(400, "request body is not JSON")
            return
        key = content_key(body)
        with self.fake._lock:
            self.fake.bodies.append(body)
        fault = self.fake._fault_for(key, self.headers.get("Authorization", ""))
        try:
            self._answer(body, key, fault)
        finally:
            self.fake._done()

    def _upload(self, raw: bytes) -> dict[str, Any]:
        """A multipart/form-data upload (fields purpose and file), as the OpenAI SDK sends it."""
        from email.parser import BytesParser

        form = BytesParser().parsebytes(b"Content-Type: " + self.headers["Content-Type"].encode() + b"\r\n\r\n" + raw)
        fields = {part.get_param("name", header="content-disposition"): part for part in form.get_payload()}
        purpose = fields["purpose"].get_payload(decode=True).decode()
        return self.fake.add_file(fields["file"].get_payload(decode=True), purpose, fields["file"].get_filename())

    def _answer(self, body: dict[str, Any], key: str, fault: str) -> None:
        if self.fake.delay:
            time.sleep(self.fake.delay)
        name, _, arg = fault.partition(":")
        if name == "429":
            self._error(429, "rate limited", {"Retry-After": arg} if arg else None)
        elif name in ("500", "503", "400"):
            self._error(int(name), f"fake {name}")
        elif name == "401_echo":
            self._error(401, f"Incorrect API key provided: {self.headers.get('Authorization', '')}")
        elif name == "drop":
            self.close_connection = True
            try:
                self.connection.shutdown(2)
            except OSError:
                pass
        elif name == "malformed":
            self._send(200, b'{"id": "chatcmpl-broken", "choices": [{"message": ')
        elif name == "no_choices":
            self._send(200, json.dumps({"id": "chatcmpl-odd", "object": "chat.completion", "created": 0,
                                        "model": "fake"}).encode())
        else:
            if name == "hang":
                time.sleep(float(arg or 5))
            self._send(200, json.dumps(self.fake.completion(body, key, name)).encode())

    def _control(self, action: str, raw: bytes) -> None:
        data = json.loads(raw or b"{}")
        if action == "script":
            self.fake.script(data["match"], data["faults"])
        elif action == "reset":
            self.fake.reset()
        elif action == "shutdown":
            self._send(200, b"{}")
            threading.Thread(target=self.fake.stop, daemon=True).start()
            return
        else:
            self._error(404, f"no control {action}")
            return
        self._send(200, b"{}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file", help="write the bound port here once listening")
    p.add_argument("--script", help="JSON file: {content substring: [fault, ...]}")
    p.add_argument("--delay", type=float, default=0.0, help="seconds before each answer")
    p.add_argument("--reasoning-field", default="reasoning_content", help="reasoning_content, reasoning or none")
    p.add_argument("--lifetime", type=float, default=600.0, help="shut down after this many seconds")
    args = p.parse_args()
    script = json.loads(Path(args.script).read_text()) if args.script else None
    field = None if args.reasoning_field == "none" else args.reasoning_field
    server = FakeOpenAI(delay=args.delay, reasoning_field=field, lifetime=args.lifetime, script=script).start(args.port)
    if args.port_file:
        Path(args.port_file).write_text(str(server.port))
    print(f"listening on {server.url}", flush=True)
    while server._httpd is not None:
        time.sleep(0.2)


if __name__ == "__main__":
    main()
