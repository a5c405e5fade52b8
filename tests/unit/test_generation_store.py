from __future__ import annotations

import os

from styledistill.generation.request import Request, Response, Sampling
from styledistill.generation.runner import complete
from styledistill.generation.store import RequestStore


def _request(question: str, sample: int = 0, **sampling) -> Request:
    return Request.chat("model-a", [{"role": "user", "content": question}], Sampling(**sampling), sample=sample)


class CountingBackend:
    def __init__(self) -> None:
        self.sent: list[str] = []

    def generate(self, requests):
        for r in requests:
            self.sent.append(r.key)
            yield [Response(r.key, f"answer to {r.messages[-1][1]}", "stop", 3, 4)]


def test_key_depends_on_content_not_tag():
    assert _request("1+1").key == Request.chat("model-a", [{"role": "user", "content": "1+1"}], Sampling(),
                                               tag="other").key
    assert _request("1+1").key != _request("1+2").key
    assert _request("1+1").key != _request("1+1", sample=1).key
    assert _request("1+1").key != _request("1+1", temperature=0.7).key
    assert _request("1+1").key != Request.chat("model-b", [{"role": "user", "content": "1+1"}], Sampling()).key


def test_only_missing_requests_reach_the_backend(tmp_path):
    backend = CountingBackend()
    store = RequestStore(tmp_path)
    first = [_request(q) for q in ("a", "b")]
    complete(first, store, lambda: backend)
    store.close()
    store = RequestStore(tmp_path)  # a new process: reads what the last one fsynced
    out = complete(first + [_request("c"), _request("a", sample=1)], store, lambda: backend).responses
    assert len(backend.sent) == 4 and len(set(backend.sent)) == 4
    assert out[_request("c").key].text == "answer to c"


def test_fully_cached_run_never_builds_a_backend(tmp_path):
    store = RequestStore(tmp_path)
    complete([_request("a")], store, CountingBackend)

    def fail():
        raise AssertionError("backend built for a cached run")

    assert complete([_request("a")], store, fail).responses[_request("a").key].finish_reason == "stop"


def test_torn_last_line_is_ignored(tmp_path):
    store = RequestStore(tmp_path)
    store.put([Response("k1", "done", "stop", 1, 1)])
    store.close()
    segment = next(tmp_path.glob("*.jsonl"))
    with open(segment, "a") as handle:
        handle.write('{"key": "k2", "text": "cut of')  # kill -9 mid-write
    reread = RequestStore(tmp_path)
    assert "k1" in reread and "k2" not in reread


def test_each_writer_has_its_own_segment(tmp_path):
    a, b = RequestStore(tmp_path), RequestStore(tmp_path)
    a.put([Response("k1", "x", "stop", 1, 1)])
    b.put([Response("k2", "y", "stop", 1, 1)])
    assert len(list(tmp_path.glob("*.jsonl"))) == 2
    assert {"k1", "k2"} <= set(RequestStore(tmp_path)._done)
    assert all(os.path.getsize(p) > 0 for p in tmp_path.glob("*.jsonl"))
