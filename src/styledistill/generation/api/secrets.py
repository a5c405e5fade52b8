"""Keys never reach a file: the configured key and key-like environment values are scrubbed from messages and logs."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager

REDACTED = "[redacted]"
_SECRET_ENV = re.compile(r"(KEY|TOKEN|SECRET|PASSWORD)$", re.IGNORECASE)


def api_key(api_key_env: str | None, api_base: str | None) -> str | None:
    """The key the provider names (its environment variable), a placeholder for an explicit endpoint without one
    (never an ambient provider key), else None (the SDK's own environment lookup)."""
    from styledistill.errors import UserError

    if api_key_env:
        key = os.environ.get(api_key_env) or None
        if key is None:
            raise UserError(f"environment variable {api_key_env} (api_key_env of the model) is not set")
        return key
    return "no-key" if api_base else None


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


class ScrubbedLogs:
    """Scrubs every log record passing the root logger's handlers between `start` and `stop`."""

    def __init__(self, secrets: list[str]) -> None:
        self._filter = _ScrubFilter(secrets)
        self._handlers: list[logging.Handler] = []

    def start(self) -> None:
        self._handlers = list(logging.getLogger().handlers)
        for handler in self._handlers:
            handler.addFilter(self._filter)

    def stop(self) -> None:
        for handler in self._handlers:
            handler.removeFilter(self._filter)
        self._handlers = []


@contextmanager
def scrubbed_logs(secrets: list[str]) -> Iterator[None]:
    """Scrub every log record passing the root handlers while the block runs; the filter is removed after."""
    scrubbing = ScrubbedLogs(secrets)
    scrubbing.start()
    try:
        yield
    finally:
        scrubbing.stop()
