"""Which failed API calls are retried, how long to wait, and which may have been billed."""

from __future__ import annotations

import email.utils
import time

MAX_BACKOFF_S = 60.0
MAX_RETRY_AFTER_S = 600.0


class MalformedResponse(Exception):
    """HTTP 200 whose body is not a usable chat completion."""


class NotSent(Exception):
    """The budget cap stopped this attempt before it was sent."""


def _status(exc: BaseException) -> int | None:
    status = getattr(exc, "status_code", None)
    return status if isinstance(status, int) else None


def is_retryable(exc: BaseException) -> bool:
    """The OpenAI SDK's errors and litellm's (its subclasses) alike."""
    import openai

    if isinstance(exc, NotSent):
        return False
    if isinstance(exc, (MalformedResponse, openai.APIConnectionError)):  # timeouts are connection errors too
        return True
    status = _status(exc)
    if status is None:
        return False
    # 200: the SDK could not parse a 200 answer (malformed JSON); 408: request timeout.
    return status in (200, 408, 429) or status >= 500


def maybe_billed(exc: BaseException) -> bool:
    import openai

    return isinstance(exc, (MalformedResponse, openai.APITimeoutError)) or _status(exc) == 200


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
