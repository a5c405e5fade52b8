"""Online API backend (`backend: litellm`): any litellm provider string (DeepSeek, OpenAI, a `vllm serve` or other
OpenAI-compatible server).

One request is one API call, sent by the OpenAI SDK to an OpenAI-compatible endpoint or by litellm to any other
provider (`senders.py`, setting `sdk`), from a pool of `max_concurrency` threads under requests- and tokens-per-minute
limits (`limits.py`). A call is retried with exponential backoff (tenacity) on 429 (after the server's `Retry-After`
when it sends one), 5xx, timeouts, connection errors and malformed answers; any other 4xx fails at once
(`retries.py`). A request that still fails comes back as a `Failure`, never silently dropped. litellm's and the OpenAI
SDK's own retries are off, so every attempt is one HTTP request that this module counted.

The budget cap is checked before every attempt: the attempt is sent only if the money spent so far, plus the
worst case of the attempts in flight, plus this attempt's worst case (its estimated prompt tokens at the input price
and `max_new_tokens` at the output price) stays within `budget_usd`. An attempt whose cost cannot be known (a
timeout, a malformed HTTP 200 answer: the provider may have billed it) is charged at its worst case. Once an attempt
does not fit, nothing more is sent; the run ends with "spent $X of cap $Y; N requests not sent".

The API key is read from the environment variable the provider names (`api_key_env`) when the backend is built, and
is scrubbed (with any other key-like environment values) from every error message and, while the backend generates,
from every log line (`secrets.py`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any

from styledistill.errors import UserError
from styledistill.generation.api.limits import Budget, RateLimiter
from styledistill.generation.api.retries import (
    MAX_BACKOFF_S,
    MAX_RETRY_AFTER_S,
    NotSent,
    is_retryable,
    maybe_billed,
    retry_after_seconds,
)
from styledistill.generation.api.secrets import ScrubbedLogs, api_key, scrub, secrets_in_environment
from styledistill.generation.api.senders import SENDERS, import_litellm, sender_name
from styledistill.generation.api.settings import LitellmSettings, ProviderSettings
from styledistill.generation.backend import SendingStopped
from styledistill.generation.request import Failure, Request, Response

log = logging.getLogger(__name__)


def litellm_prices(provider: str) -> tuple[float | None, float | None]:
    """USD per token (input, output) in litellm's cost map; (None, None) for a model it does not know."""
    try:
        info = import_litellm().get_model_info(provider)
    except Exception:  # noqa: BLE001 -- litellm raises several types for a model it does not know
        return None, None
    price_in, price_out = info.get("input_cost_per_token"), info.get("output_cost_per_token")
    if price_in is None or price_out is None:
        return None, None
    return float(price_in), float(price_out)


class OnlineBackend:
    def __init__(self, settings: LitellmSettings, provider: ProviderSettings) -> None:
        self.settings = settings
        self.provider = provider
        self.litellm = import_litellm()  # its tokenizer estimates every prompt, whichever route sends it
        key = api_key(provider.api_key_env, provider.api_base)
        self.secrets = secrets_in_environment([key if key != "no-key" else None])
        self.price_in, self.price_out = self._prices()
        if settings.budget_usd is not None and self.price_in is None:
            raise UserError(f"--spec: generation.budget_usd needs prices: {provider.provider} is not in litellm's cost "
                            "map; set prices: {input_per_1m: ..., output_per_1m: ...} on the model")
        try:
            route = sender_name(settings.sdk, provider.provider, provider.api_base)
        except ValueError as exc:
            raise UserError(f"--spec: generation.sdk: {exc}") from None
        prices = (self.price_in, self.price_out) if self.price_in is not None else None
        self.sender = SENDERS[route](settings, provider, key, prices)
        self.limiter = RateLimiter(settings.rpm, settings.tpm)
        self.budget = Budget(settings.budget_usd)
        self.sent = 0  # attempts sent (HTTP requests made)
        self._sent_lock = threading.Lock()
        # From here until close(), log lines are scrubbed: worker threads may log after generate() has returned.
        self._scrubbing = ScrubbedLogs(self.secrets)
        self._scrubbing.start()

    @property
    def spent_usd(self) -> float:
        return self.budget.spent

    def _prices(self) -> tuple[float | None, float | None]:
        """USD per token, input and output: the spec's prices, else litellm's cost map, else unknown."""
        prices = self.provider.prices
        if prices is not None:
            return prices.input_per_1m / 1e6, prices.output_per_1m / 1e6
        return litellm_prices(self.provider.provider)

    def _estimate_prompt_tokens(self, request: Request) -> int:
        """An estimate on the safe side: tiktoken's count plus 10% and a few tokens per message."""
        try:
            counted = self.litellm.token_counter(model=self.provider.provider, messages=request.message_dicts())
        except Exception:  # noqa: BLE001 -- an estimate: any tokenizer failure falls back to bytes / 3
            counted = sum(len(content.encode()) // 3 for _, content in request.messages)
        return int(counted * 1.1) + 8 * len(request.messages)

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
                raise NotSent()
            attempts += 1
            charged = 0.0
            try:
                self.limiter.acquire(prompt_estimate + max_new)
                with self._sent_lock:
                    self.sent += 1
                try:
                    response = self.sender.send(request, prompt_estimate)
                except BaseException as exc:
                    charged = worst if maybe_billed(exc) else 0.0
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
        except NotSent:
            return None
        except Exception as exc:  # noqa: BLE001 -- whatever the provider raised is recorded as this item's failure
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

    def close(self) -> None:
        """The run is done: close the connections, stop scrubbing log records."""
        self.sender.close()
        self._scrubbing.stop()
