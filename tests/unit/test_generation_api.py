"""The API backend's parts that need no server: settings, identity, limits, budget, scrubbing, failure policy."""

from __future__ import annotations

import json
import threading

import httpx
import pytest

from styledistill.errors import IncompleteRun, UserError
from styledistill.generation.api.chat import chat_response
from styledistill.generation.api.limits import Budget, RateLimiter
from styledistill.generation.api.retries import MalformedResponse, is_retryable, maybe_billed, retry_after_seconds
from styledistill.generation.api.secrets import scrub, scrubbed_logs
from styledistill.generation.api.senders import sender_name
from styledistill.generation.api.settings import LitellmSettings, ProviderSettings, api_identity
from styledistill.generation.backend import SendingStopped
from styledistill.generation.generator import Generator, check_outcome, failures_path
from styledistill.generation.request import Failure, Request, Response, Sampling
from styledistill.generation.runner import complete
from styledistill.generation.settings import GenerationConfig, TransformersSettings, backend_settings
from styledistill.generation.store import RequestStore


def _request(question: str) -> Request:
    return Request.chat("m", [{"role": "user", "content": question}], Sampling(), tag=question)


def test_a_generation_block_holds_every_backend_and_a_job_gets_its_own():
    assert {"batch_size", "dtype", "chunk_size", "max_concurrency", "rpm", "tpm", "timeout", "max_retries",
            "retry_wait", "budget_usd", "max_failure_rate", "gpus"} <= set(GenerationConfig.model_fields)
    api = GenerationConfig.from_spec({"backend": "litellm", "batch_size": 3}).for_backend()
    assert isinstance(api, LitellmSettings) and "batch_size" not in api.to_spec() and "gpus" not in api.to_spec()
    local = backend_settings({"backend": "transformers", "batch_size": 3})
    assert isinstance(local, TransformersSettings) and local.batch_size == 3


def test_api_identity_is_provider_and_endpoint():
    a = api_identity("openai/m", "http://h:1/v1")
    assert a == api_identity("openai/m", "http://h:1/v1/") and a.startswith("api-")
    assert a != api_identity("openai/m", "http://h:2/v1") != api_identity("hosted_vllm/m", "http://h:1/v1")
    assert api_identity("deepseek/deepseek-reasoner", None) != a


def test_settings_defaults_and_checks():
    s = LitellmSettings.from_spec({"rpm": None})
    assert (s.max_concurrency, s.max_retries, s.rpm, s.budget_usd) == (4, 5, None, None)
    p = ProviderSettings.from_spec({"provider": "openai/m", "prices": {"input_per_1m": 1, "output_per_1m": 4}})
    assert (p.prices.input_per_1m, p.prices.output_per_1m) == (1.0, 4.0)
    with pytest.raises(UserError, match="provider string"):
        ProviderSettings.from_spec({"provider": "gpt-4o"})
    with pytest.raises(UserError, match=r"--spec.prices: 'output_per_1m' is required"):
        ProviderSettings.from_spec({"provider": "openai/m", "prices": {"input_per_1m": 1}})
    with pytest.raises(UserError, match="max_concurrency: Input should be greater than or equal to 1"):
        LitellmSettings.from_spec({"max_concurrency": 0})
    with pytest.raises(UserError) as err:  # a key pasted where its variable's name belongs is not echoed
        ProviderSettings.from_spec({"provider": "openai/m", "api_key_env": "sk-live-0123456789abcdef"})
    assert "sk-live" not in str(err.value)


def test_backend_needs_the_right_model_argument(tmp_path):
    chats = [("t", [{"role": "user", "content": "q"}])]
    provider = ProviderSettings(provider="openai/m")
    with pytest.raises(UserError, match="takes no model directory"):
        Generator(tmp_path, LitellmSettings(), provider, tmp_path / "store", 0).complete(chats, 1, None)
    with pytest.raises(UserError, match="needs a provider"):
        Generator(None, LitellmSettings(), None, tmp_path / "store", 0).complete(chats, 1, None)
    with pytest.raises(UserError, match="needs a prepared model directory"):
        Generator(None, TransformersSettings(), None, tmp_path / "store", 0).complete(chats, 1, None)
    with pytest.raises(UserError, match="unknown backend 'vllm2'"):
        backend_settings({"backend": "vllm2"})


def test_log_scrubbing_is_removed_after_the_block(caplog):
    import logging

    handler = logging.getLogger().handlers[0] if logging.getLogger().handlers else None
    if handler is None:
        pytest.skip("no root handler to filter")
    before = list(handler.filters)
    with scrubbed_logs(["sk-canary-0123456789"]):
        assert len(handler.filters) == len(before) + 1
    assert handler.filters == before


def test_rate_limiter_sliding_window():
    now = [0.0]
    sleeps: list[float] = []

    def sleep(s: float) -> None:
        sleeps.append(s)
        now[0] += s

    limiter = RateLimiter(rpm=2, tpm=None, clock=lambda: now[0], sleep=sleep)
    limiter.acquire(10)
    limiter.acquire(10)
    assert not sleeps
    limiter.acquire(10)  # the third request of the minute waits for the first to leave the window
    assert now[0] == pytest.approx(60.0)
    tokens = RateLimiter(rpm=None, tpm=100, clock=lambda: now[0], sleep=sleep)
    start = now[0]
    tokens.acquire(70)
    tokens.acquire(20)
    tokens.acquire(20)  # 110 > 100: waits a window
    assert now[0] - start == pytest.approx(60.0)
    tokens.acquire(500)  # larger than the whole budget: goes alone once the window is empty
    assert now[0] - start == pytest.approx(120.0)


def test_budget_waits_for_in_flight_then_stops():
    budget = Budget(1.0)
    assert budget.reserve(0.4) and budget.reserve(0.4)
    result: list[bool] = []
    waiter = threading.Thread(target=lambda: result.append(budget.reserve(0.4)))
    waiter.start()  # 0.8 reserved + 0.4 > 1.0: waits for one in flight to settle
    budget.settle(0.4, 0.1)  # it cost less than its worst case: 0.1 + 0.4 + 0.4 fits
    waiter.join(5)
    assert result == [True]
    budget.settle(0.4, 0.4)
    budget.settle(0.4, 0.4)  # spent 0.9
    assert not budget.reserve(0.4) and budget.stopped and not budget.reserve(0.01)
    assert budget.spent == pytest.approx(0.9)
    assert Budget(None).reserve(1e9)


def test_budget_stops_instead_of_waiting_on_float_residue():
    budget = Budget(1.0)
    for _ in range(10):  # 0.1 added and taken away ten times leaves a float residue, not 0.0
        assert budget.reserve(0.1)
        budget.settle(0.1, 0.0)
    result: list[bool] = []
    worker = threading.Thread(target=lambda: result.append(budget.reserve(2.0)), daemon=True)
    worker.start()
    worker.join(2)
    assert result == [False], "reserve() waited for requests that are not in flight"


def test_scrub_removes_keys_and_fragments():
    key = "sk-canary-0123456789abcdef"
    assert scrub(f"Incorrect API key: Bearer {key}.", [key]) == "Incorrect API key: Bearer [redacted]."
    partial = scrub("key sk-canary-012****cdef rejected", [key])
    assert "sk-canary" not in partial and "rejected" in partial
    assert scrub("nothing to hide", [key]) == "nothing to hide"


def test_retry_after_forms():
    class Err(Exception):
        def __init__(self, headers):
            self.litellm_response_headers = headers

    assert retry_after_seconds(Err({"Retry-After": "2"})) == 2.0
    assert retry_after_seconds(Err(httpx.Headers({"retry-after-ms": "1500"}))) == 1.5
    assert 0 <= retry_after_seconds(Err({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"})) == 0.0
    assert retry_after_seconds(Err({"content-type": "x"})) is None
    assert retry_after_seconds(ValueError()) is None


class FlakyBackend:
    """Fails the requests whose question starts with 'bad' once; stops early (like a budget cap) if told to."""

    def __init__(self, fail: set[str], stop_after: int | None = None) -> None:
        self.fail, self.stop_after, self.sent = fail, stop_after, []

    def generate(self, requests):
        for i, r in enumerate(requests):
            if self.stop_after is not None and i == self.stop_after:
                raise SendingStopped(f"spent $1 of cap $1; {len(requests) - i} requests not sent", len(requests) - i)
            self.sent.append(r.tag)
            if r.tag in self.fail:
                yield [Failure.of(r, "InternalServerError", "boom", 3)]
            else:
                yield [Response(r.key, f"answer {r.tag}", "stop", 1, 1, cost_usd=0.5)]


def test_failures_are_not_stored_and_are_retried(tmp_path):
    requests = [_request(q) for q in ("a", "bad", "c")]
    store = RequestStore(tmp_path)
    outcome = complete(requests, store, lambda: FlakyBackend({"bad"}))
    assert [f.tag for f in outcome.failures] == ["bad"] and outcome.failures[0].attempts == 3
    assert len(outcome.responses) == 2 and "bad" not in {r.text for r in outcome.responses.values()}
    assert outcome.spent_usd == 1.0 and outcome.failure_rate == pytest.approx(1 / 3)
    with pytest.raises(IncompleteRun, match=r"1 of 3 requests failed \(33.3%"):
        check_outcome(outcome, 0.05, None)
    check_outcome(outcome, 0.5, None)  # below the rate: a warning, not an error
    again = FlakyBackend(set())
    outcome = complete(requests, RequestStore(tmp_path), lambda: again)
    assert again.sent == ["bad"] and len(outcome.responses) == 3 and not outcome.failures


def test_early_stop_is_an_incomplete_run(tmp_path):
    requests = [_request(q) for q in "abcd"]
    outcome = complete(requests, RequestStore(tmp_path), lambda: FlakyBackend(set(), stop_after=1))
    assert outcome.not_sent == 3 and len(outcome.responses) == 1
    with pytest.raises(IncompleteRun, match=r"spent \$1 of cap \$1; 3 requests not sent; 1 of 4 requests finished"):
        check_outcome(outcome, 1.0, None)


def test_failures_sidecar_path_and_content(tmp_path):
    assert failures_path(tmp_path / "traces.parquet") == tmp_path / "traces.failures.jsonl"
    from styledistill.generation.generator import write_failures

    outcome = complete([_request("bad")], RequestStore(tmp_path / "s"), lambda: FlakyBackend({"bad"}))
    write_failures(tmp_path / "f.jsonl", outcome, "m")
    (record,) = [json.loads(line) for line in (tmp_path / "f.jsonl").read_text().splitlines()]
    assert record["tag"] == "bad" and record["error_type"] == "InternalServerError" and record["attempts"] == 3


def _body(message: dict, usage: dict | None = None) -> dict:
    return {"model": "served", "choices": [{"message": message, "finish_reason": "length"}],
            **({"usage": usage} if usage is not None else {})}


def test_a_chat_completion_body_is_read_the_same_whichever_field_holds_the_reasoning():
    usage = {"prompt_tokens": 10, "completion_tokens": 20}
    separate = chat_response("k", _body({"content": "A", "reasoning_content": "R"}, usage), (0.5, 2.0))
    vllm = chat_response("k", _body({"content": "A", "reasoning": "R"}, usage), (0.5, 2.0))
    tags = chat_response("k", _body({"content": "<think>R</think>A"}, usage), (0.5, 2.0))
    assert (separate.reasoning_content, separate.text) == (vllm.reasoning_content, vllm.text) == \
        (tags.reasoning_content, tags.text) == ("R", "A")
    assert separate.cost_usd == 10 * 0.5 + 20 * 2.0 and separate.finish_reason == "length"
    assert separate.served_model == "served"
    plain = chat_response("k", _body({"content": "no tags, R then A"}, usage), None)
    assert (plain.reasoning_content, plain.text, plain.cost_usd) == (None, "no tags, R then A", None)
    assert chat_response("k", _body({"content": None}, usage), None).text == ""  # empty content is kept


def test_an_answer_without_usage_counts_what_the_caller_says():
    response = chat_response("k", _body({"content": "A"}), (1.0, 1.0), missing_usage=(7, 50))
    assert (response.n_prompt_tokens, response.n_completion_tokens, response.cost_usd) == (7, 50, 57.0)


@pytest.mark.parametrize("body", [[], {}, {"choices": []}, {"choices": ["x"]}, {"choices": [{}]},
                                  _body({"content": ["parts"]})])
def test_a_body_that_is_not_a_chat_completion_is_malformed(body):
    with pytest.raises(MalformedResponse):
        chat_response("k", body, None)


def test_both_libraries_errors_are_retried_alike():
    import litellm
    import openai

    request = httpx.Request("POST", "http://h/v1/chat/completions")
    timeouts = [openai.APITimeoutError(request), litellm.Timeout("t", "m", "openai")]
    assert all(is_retryable(e) and maybe_billed(e) for e in timeouts)
    dropped = [openai.APIConnectionError(request=request), litellm.APIConnectionError("x", "openai", "m")]
    assert all(is_retryable(e) and not maybe_billed(e) for e in dropped)
    for status, retried in ((503, True), (429, True), (400, False), (401, False)):
        error = openai.APIStatusError("e", response=httpx.Response(status, request=request), body=None)
        assert is_retryable(error) is retried


@pytest.mark.parametrize("sdk, provider, api_base, route", [
    ("auto", "openai/m", "http://h/v1", "openai"),
    ("auto", "hosted_vllm/m", "http://h/v1", "openai"),
    ("auto", "openai/gpt-4o", None, "litellm"),  # OpenAI itself: litellm maps its models' parameters
    ("auto", "deepseek/deepseek-reasoner", None, "litellm"),
    ("openai", "openai/gpt-4o", None, "openai"),
    ("litellm", "openai/m", "http://h/v1", "litellm"),
])
def test_which_library_sends(sdk, provider, api_base, route):
    assert sender_name(sdk, provider, api_base) == route


def test_the_openai_sdk_refuses_what_it_cannot_reach():
    with pytest.raises(ValueError, match="not deepseek/deepseek-reasoner; use litellm"):
        sender_name("openai", "deepseek/deepseek-reasoner", None)
    with pytest.raises(ValueError, match="needs the api_base of the server that hosts hosted_vllm/m"):
        sender_name("openai", "hosted_vllm/m", None)
