"""API backend: any litellm provider string (DeepSeek, OpenAI, a `vllm serve` or other OpenAI-compatible server).

One request is one API call, sent from a pool of `max_concurrency` threads under requests- and tokens-per-minute
limits. A call is retried with exponential backoff (tenacity) on 429 (after the server's `Retry-After` when it sends
one), 5xx, timeouts, connection errors and malformed answers; any other 4xx fails at once. A request that still fails
comes back as a `Failure`, never silently dropped. litellm's and the OpenAI SDK's own retries are off, so every
attempt is one HTTP request that this module counted.

The budget cap is checked before every attempt: the attempt is sent only if the money spent so far, plus the
worst case of the attempts in flight, plus this attempt's worst case (its estimated prompt tokens at the input price
and `max_new_tokens` at the output price) stays within `budget_usd`. An attempt whose cost cannot be known (a
timeout, a malformed HTTP 200 answer: the provider may have billed it) is charged at its worst case. Once an attempt
does not fit, nothing more is sent; the run ends with "spent $X of cap $Y; N requests not sent".

The API key is read from the environment variable the spec names (`api_key_env`) when the backend is built, and is
scrubbed (with any other key-like environment values) from every error message and log line.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import logging
import os
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

from styledistill.errors import UserError
from styledistill.generation.request import Failure, Request, Response
from styledistill.generation.runner import SendingStopped

log = logging.getLogger(__name__)

# Spec keys of this backend, with their defaults (None: off / unset).
DEFAULTS: dict[str, Any] = {
    "model": None,  # provider string: deepseek/deepseek-reasoner, openai/<name>, hosted_vllm/<name>
    "api_base": None,  # e.g. http://host:8000/v1 for an OpenAI-compatible server
    "api_key_env": None,  # name of the environment variable holding the key (never the key itself)
    "max_concurrency": 4,  # requests in flight at once
    "rpm": None,  # requests per minute (attempts count)
    "tpm": None,  # tokens per minute (estimated prompt tokens + max_new_tokens per attempt)
    "timeout": 600.0,  # seconds per attempt
    "max_retries": 5,  # retries after the first attempt
    "retry_wait": 1.0,  # first backoff in seconds; doubles per retry, up to 60 s, plus jitter
    "budget_usd": None,  # hard cap on this run's spending
    "prices": None,  # {input_per_1m, output_per_1m} in USD; wins over litellm's cost map
}
MAX_BACKOFF_S = 60.0
MAX_RETRY_AFTER_S = 600.0
REDACTED = "[redacted]"
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SECRET_ENV = re.compile(r"(KEY|TOKEN|SECRET|PASSWORD)$", re.IGNORECASE)


def api_identity(model: str, api_base: str | None) -> str:
    """The model part of every request key for an API model: provider string and endpoint, hashed."""
    payload = {"provider": model, "api_base": api_base.rstrip("/") if api_base else None}
    return "api-" + hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class ApiSettings:
    model: str
    api_base: str | None
    api_key_env: str | None
    max_concurrency: int
    rpm: int | None
    tpm: int | None
    timeout: float
    max_retries: int
    retry_wait: float
    budget_usd: float | None
    price_in_per_1m: float | None
    price_out_per_1m: float | None

    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> ApiSettings:
        """Check this backend's keys (null = default); keys of other backends are ignored."""
        value = {k: spec.get(k) if spec.get(k) is not None else d for k, d in DEFAULTS.items()}
        if not isinstance(value["model"], str) or "/" not in value["model"]:
            raise UserError("--spec: backend litellm needs 'model', a provider string such as "
                            "deepseek/deepseek-reasoner, openai/<name> or hosted_vllm/<name>")
        env = value["api_key_env"]
        if env is not None and not (isinstance(env, str) and _ENV_NAME.match(env)):
            # Never echo the value: someone may have pasted the key itself here.
            raise UserError("--spec: api_key_env must name an environment variable (letters, digits, _), "
                            "not hold a key")

        def number(key: str, kind: type, low: float, allow_none: bool = False) -> Any:
            v = value[key]
            if v is None and allow_none:
                return None
            try:
                v = kind(v)
            except (TypeError, ValueError):
                raise UserError(f"--spec: {key} must be a number") from None
            if v < low:
                raise UserError(f"--spec: {key} must be >= {low}")
            return v

        prices = value["prices"]
        price_in = price_out = None
        if prices is not None:
            if not isinstance(prices, dict) or set(prices) != {"input_per_1m", "output_per_1m"}:
                raise UserError("--spec: prices must be {input_per_1m: USD, output_per_1m: USD}")
            price_in, price_out = (float(prices["input_per_1m"]), float(prices["output_per_1m"]))
            if price_in < 0 or price_out < 0:
                raise UserError("--spec: prices must be >= 0")
        return cls(
            model=value["model"],
            api_base=value["api_base"],
            api_key_env=env,
            max_concurrency=number("max_concurrency", int, 1),
            rpm=number("rpm", int, 1, allow_none=True),
            tpm=number("tpm", int, 1, allow_none=True),
            timeout=number("timeout", float, 0.001),
            max_retries=number("max_retries", int, 0),
            retry_wait=number("retry_wait", float, 0),
            budget_usd=number("budget_usd", float, 0, allow_none=True),
            price_in_per_1m=price_in,
            price_out_per_1m=price_out,
        )

    @property
    def identity(self) -> str:
        return api_identity(self.model, self.api_base)


# --- secrets -----------------------------------------------------------------------------------------------------

def secrets_in_environment(extra: list[str | None] = ()) -> list[str]:
    """Values that must never be written anywhere: the configured key and key-like environment variables."""
    found = {v for k, v in os.environ.items() if _SECRET_ENV.search(k) and len(v) >= 8}
    found.update(s for s in extra if s and len(s) >= 4)
    return sorted(found, key=len, reverse=True)


def scrub(text: str, secrets: list[str], min_fragment: int = 8) -> str:
    """Replace every secret, and every run of >= `min_fragment` characters copied from one, by [redacted].

    Providers often echo a key partly ("sk-abcd****wxyz"); fragments of 8 characters or more are removed too.
    """
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    for secret in secrets:
        if len(secret) < min_fragment:
            continue
        out, i = [], 0
        while i < len(text):
            j = i + min_fragment
            if j <= len(text) and text[i:j] in secret:
                while j < len(text) and text[i:j + 1] in secret:
                    j += 1
                out.append(REDACTED)
                i = j
            else:
                out.append(text[i])
                i += 1
        text = "".join(out)
    return text


class _ScrubFilter(logging.Filter):
    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info:
            message += "\n" + logging.Formatter().formatException(record.exc_info)
            record.exc_info, record.exc_text = None, None
        record.msg, record.args = scrub(message, self.secrets), ()
        return True


# --- limits ------------------------------------------------------------------------------------------------------

class RateLimiter:
    """Requests and tokens per minute over a sliding 60-second window, shared by all worker threads."""

    def __init__(self, rpm: int | None, tpm: int | None, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep, window: float = 60.0) -> None:
        self.rpm, self.tpm, self.window = rpm, tpm, window
        self.clock, self.sleep = clock, sleep
        self._sent: deque[tuple[float, int]] = deque()
        self._tokens = 0
        self._lock = threading.Lock()

    def acquire(self, tokens: int) -> None:
        if self.rpm is None and self.tpm is None:
            return
        while True:
            with self._lock:
                now = self.clock()
                while self._sent and self._sent[0][0] <= now - self.window:
                    self._tokens -= self._sent.popleft()[1]
                fits_requests = self.rpm is None or len(self._sent) < self.rpm
                # One request larger than the whole tpm budget still goes, alone in its window.
                fits_tokens = self.tpm is None or not self._sent or self._tokens + tokens <= self.tpm
                if fits_requests and fits_tokens:
                    self._sent.append((now, tokens))
                    self._tokens += tokens
                    return
                wait = self._sent[0][0] + self.window - now
            self.sleep(max(wait, 0.005))


class Budget:
    """Money spent plus the worst case of what is in flight never exceeds the cap."""

    def __init__(self, cap: float | None) -> None:
        self.cap = cap
        self.spent = 0.0
        self.reserved = 0.0
        self.in_flight = 0  # counted, not inferred from `reserved` (float sums never quite return to 0)
        self.stopped = False
        self._cond = threading.Condition()

    def reserve(self, worst: float) -> bool:
        with self._cond:
            if self.cap is None:
                return True
            while not self.stopped and self.spent + self.reserved + worst > self.cap:
                if self.in_flight == 0:  # nothing in flight can free room: stop for good
                    self.stopped = True
                    break
                self._cond.wait()
            if self.stopped:
                return False
            self.reserved += worst
            self.in_flight += 1
            return True

    def settle(self, worst: float, actual: float) -> None:
        with self._cond:
            if self.cap is not None:
                self.in_flight -= 1
                self.reserved = self.reserved - worst if self.in_flight else 0.0
            self.spent += actual
            self._cond.notify_all()


# --- errors ------------------------------------------------------------------------------------------------------

class MalformedResponse(Exception):
    """HTTP 200 whose body is not a usable chat completion."""


class _NotSent(Exception):
    """The budget cap stopped this attempt before it was sent."""


def _status(exc: BaseException) -> int | None:
    status = getattr(exc, "status_code", None)
    return status if isinstance(status, int) else None


def is_retryable(exc: BaseException) -> bool:
    import litellm

    if isinstance(exc, _NotSent):
        return False
    if isinstance(exc, (MalformedResponse, litellm.Timeout, litellm.APIConnectionError)):
        return True
    status = _status(exc)
    if status is None:
        return False
    # 200: litellm could not parse a 200 answer (malformed JSON); 408: request timeout.
    return status in (200, 408, 429) or status >= 500


def _maybe_billed(exc: BaseException) -> bool:
    import litellm

    return isinstance(exc, (MalformedResponse, litellm.Timeout)) or _status(exc) == 200


def retry_after_seconds(exc: BaseException) -> float | None:
    """The server's Retry-After (seconds or an HTTP date; or retry-after-ms), if the error carries one."""
    headers = getattr(exc, "litellm_response_headers", None)
    if not headers:
        headers = getattr(getattr(exc, "response", None), "headers", None)
    if not headers:
        return None
    lower = {str(k).lower(): str(v) for k, v in headers.items()}
    if "retry-after-ms" in lower:
        try:
            return max(0.0, float(lower["retry-after-ms"]) / 1000)
        except ValueError:
            pass
    value = lower.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


# --- the backend -------------------------------------------------------------------------------------------------

def _import_litellm():
    os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"  # before the import: no price map from the internet
    import litellm

    litellm.suppress_debug_info = True
    litellm.disable_hf_tokenizer_download = True  # token estimates with the bundled tiktoken, offline
    litellm.drop_params = True  # a sampling parameter a provider lacks is dropped, not an error
    for name in ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy", "httpx", "httpcore", "openai"):
        logging.getLogger(name).setLevel(logging.ERROR)
    return litellm


class LiteLLMBackend:
    def __init__(self, settings: ApiSettings) -> None:
        self.settings = settings
        self.litellm = _import_litellm()
        self.api_key: str | None = None
        if settings.api_key_env:
            self.api_key = os.environ.get(settings.api_key_env) or None
            if self.api_key is None:
                raise UserError(f"environment variable {settings.api_key_env} (spec api_key_env) is not set")
        elif settings.api_base:
            # An explicit endpoint without a named key gets a placeholder, never an ambient provider key.
            self.api_key = "no-key"
        self.secrets = secrets_in_environment([self.api_key if self.api_key != "no-key" else None])
        self._filter = _ScrubFilter(self.secrets)
        for handler in logging.getLogger().handlers:
            handler.addFilter(self._filter)
        self.price_in, self.price_out = self._prices()
        if settings.budget_usd is not None and self.price_in is None:
            raise UserError(f"--spec: budget_usd needs prices: {settings.model} is not in litellm's cost map; set "
                            "prices: {input_per_1m: ..., output_per_1m: ...}")
        self.limiter = RateLimiter(settings.rpm, settings.tpm)
        self.budget = Budget(settings.budget_usd)
        self.sent = 0  # attempts sent (HTTP requests made)
        self._sent_lock = threading.Lock()

    @property
    def spent_usd(self) -> float:
        return self.budget.spent

    def _prices(self) -> tuple[float | None, float | None]:
        """USD per token, input and output: the spec's prices, else litellm's cost map, else unknown."""
        s = self.settings
        if s.price_in_per_1m is not None:
            return s.price_in_per_1m / 1e6, s.price_out_per_1m / 1e6
        try:
            info = self.litellm.get_model_info(s.model)
        except Exception:
            return None, None
        price_in, price_out = info.get("input_cost_per_token"), info.get("output_cost_per_token")
        if price_in is None or price_out is None:
            return None, None
        return float(price_in), float(price_out)

    def _estimate_prompt_tokens(self, request: Request) -> int:
        """An estimate on the safe side: tiktoken's count plus 10% and a few tokens per message."""
        try:
            counted = self.litellm.token_counter(model=self.settings.model, messages=request.message_dicts())
        except Exception:
            counted = sum(len(content.encode()) // 3 for _, content in request.messages)
        return int(counted * 1.1) + 8 * len(request.messages)

    def _cost(self, raw: Any, prompt_tokens: int, completion_tokens: int) -> float | None:
        if self.settings.price_in_per_1m is not None:
            return prompt_tokens * self.price_in + completion_tokens * self.price_out
        try:
            return float(self.litellm.completion_cost(completion_response=raw))
        except Exception:
            if self.price_in is not None:
                return prompt_tokens * self.price_in + completion_tokens * self.price_out
            return None

    def _parse(self, request: Request, raw: Any, prompt_estimate: int) -> Response:
        choices = getattr(raw, "choices", None) or []
        if not choices:
            raise MalformedResponse("the answer has no choices")
        message = getattr(choices[0], "message", None)
        if message is None:
            raise MalformedResponse("the first choice has no message")
        text = message.content if message.content is not None else ""  # empty content is kept, not a failure
        if not isinstance(text, str):
            raise MalformedResponse(f"message content is {type(text).__name__}, not text")
        reasoning = getattr(message, "reasoning_content", None) or None
        usage = getattr(raw, "usage", None)
        prompt_tokens = getattr(usage, "prompt_tokens", None)
        completion_tokens = getattr(usage, "completion_tokens", None)
        if prompt_tokens is None:
            prompt_tokens = prompt_estimate
        if completion_tokens is None:
            completion_tokens = self.litellm.token_counter(model=self.settings.model, text=(reasoning or "") + text)
        prompt_tokens, completion_tokens = int(prompt_tokens), int(completion_tokens)
        return Response(
            key=request.key,
            text=text,
            finish_reason=str(getattr(choices[0], "finish_reason", None) or "stop"),
            n_prompt_tokens=prompt_tokens,
            n_completion_tokens=completion_tokens,
            reasoning_content=reasoning,
            cost_usd=self._cost(raw, prompt_tokens, completion_tokens),
        )

    def _send(self, request: Request) -> Any:
        s, sampling = self.settings, request.sampling
        return self.litellm.completion(
            model=s.model,
            messages=request.message_dicts(),
            api_base=s.api_base,
            api_key=self.api_key,
            max_tokens=sampling.max_new_tokens,
            temperature=sampling.temperature,
            top_p=sampling.top_p,
            seed=int(request.key[:8], 16) % (2**31),  # per request: n samples of one prompt differ
            timeout=s.timeout,
            max_retries=0,  # the OpenAI SDK retries twice by default: every retry here is ours
        )

    def _wait(self, state: Any) -> float:
        import tenacity

        exc = state.outcome.exception()
        after = retry_after_seconds(exc) if exc is not None else None
        if after is not None:
            return min(after, MAX_RETRY_AFTER_S)
        backoff = tenacity.wait_exponential_jitter(multiplier=self.settings.retry_wait, max=MAX_BACKOFF_S,
                                                   jitter=self.settings.retry_wait)
        return backoff(state)

    def _one(self, request: Request) -> Response | Failure | None:
        """Send one request with retries; None if the budget stopped it before it was sent."""
        import tenacity

        prompt_estimate = self._estimate_prompt_tokens(request)
        max_new = request.sampling.max_new_tokens
        worst = (prompt_estimate * self.price_in + max_new * self.price_out) if self.price_in is not None else 0.0
        attempts = 0

        def attempt() -> Response:
            nonlocal attempts
            if not self.budget.reserve(worst):
                raise _NotSent()
            attempts += 1
            charged = 0.0
            try:
                self.limiter.acquire(prompt_estimate + max_new)
                with self._sent_lock:
                    self.sent += 1
                try:
                    response = self._parse(request, self._send(request), prompt_estimate)
                except BaseException as exc:
                    charged = worst if _maybe_billed(exc) else 0.0
                    raise
                charged = response.cost_usd or 0.0
                return response
            finally:
                self.budget.settle(worst, charged)

        def before_sleep(state: Any) -> None:
            exc = state.outcome.exception()
            log.info("%s: %s (attempt %d of %d); retrying in %.1fs", request.tag or request.key[:12],
                     scrub(f"{type(exc).__name__}: {exc}", self.secrets)[:300], state.attempt_number,
                     self.settings.max_retries + 1, state.next_action.sleep)

        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.settings.max_retries + 1),
            wait=self._wait,
            retry=tenacity.retry_if_exception(is_retryable),
            before_sleep=before_sleep,
            reraise=True,
        )
        try:
            return retrying(attempt)
        except _NotSent:
            return None
        except Exception as exc:
            message = scrub(str(exc), self.secrets)[:2000]
            log.warning("%s: failed after %d attempt(s): %s: %s", request.tag or request.key[:12], attempts,
                        type(exc).__name__, message[:300])
            return Failure.of(request, type(exc).__name__, message, attempts)

    def generate(self, requests: list[Request]) -> Iterator[list[Response | Failure]]:
        """Yield each result the moment it is back, so the store holds it before anything else happens."""
        pool = ThreadPoolExecutor(max_workers=self.settings.max_concurrency, thread_name_prefix="api")
        not_sent = 0
        try:
            futures = [pool.submit(self._one, r) for r in requests]
            for future in as_completed(futures):
                result = future.result()
                if result is None:
                    not_sent += 1
                else:
                    yield [result]
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
        if not_sent:
            cap = self.settings.budget_usd
            raise SendingStopped(f"budget cap reached: spent ${self.spent_usd:.4f} of cap ${cap:.4f}; "
                                 f"{not_sent} requests not sent", not_sent)


def make_litellm_backend(spec: dict[str, Any]) -> LiteLLMBackend:
    return LiteLLMBackend(ApiSettings.from_spec(spec))
