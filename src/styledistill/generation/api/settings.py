"""Settings of the API backend: the provider (a `models` entry of source api) and the call limits (generation keys)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import field_validator

from styledistill.errors import UserError
from styledistill.generation.common import CommonSettings
from styledistill.settings import Field, Float, Settings

if TYPE_CHECKING:
    from styledistill.generation.backend import Backend

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def api_identity(provider: str, api_base: str | None) -> str:
    """The model part of every request key for an API model: provider string and endpoint, hashed."""
    payload = {"provider": provider, "api_base": api_base.rstrip("/") if api_base else None}
    return "api-" + hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]


class Prices(Settings):
    """USD per million tokens; wins over litellm's price map."""

    input_per_1m: Float = Field(ge=0, description="USD per million prompt tokens")
    output_per_1m: Float = Field(ge=0, description="USD per million completion tokens")


class ProviderSettings(Settings):
    """Which API model answers: a litellm provider string, an optional endpoint, the key's environment variable."""

    provider: str = Field(description="litellm provider string, e.g. deepseek/deepseek-reasoner")
    api_base: str | None = Field(None, description="URL of an OpenAI-compatible server")
    api_key_env: str | None = Field(
        None, description="name of the environment variable holding the key (never the key)")
    prices: Prices | None = Field(None, description="USD per million tokens; wins over litellm's price map")

    @field_validator("provider")
    @classmethod
    def _provider_string(cls, value: str) -> str:
        if "/" not in value:
            raise ValueError("must be a litellm provider string such as deepseek/deepseek-reasoner, openai/<name> "
                             "or hosted_vllm/<name>")
        return value

    @field_validator("api_key_env")
    @classmethod
    def _env_name(cls, value: str | None) -> str | None:
        if value is not None and not _ENV_NAME.match(value):
            # Never echo the value: someone may have pasted the key itself here.
            raise ValueError("must name an environment variable (letters, digits, _), not hold a key")
        return value

    @property
    def identity(self) -> str:
        return api_identity(self.provider, self.api_base)


class LitellmSettings(CommonSettings):
    """Call limits of the API backend."""

    backend: Literal["litellm"] = "litellm"
    max_concurrency: int = Field(4, ge=1, le=4096, description="litellm: requests in flight at once")
    rpm: int | None = Field(None, ge=1, description="litellm: requests per minute")
    tpm: int | None = Field(None, ge=1, description="litellm: tokens per minute")
    timeout: Float = Field(600.0, gt=0, description="litellm: seconds per attempt")
    max_retries: int = Field(
        5, ge=0, le=100, description="litellm: retries on 429/5xx/timeouts, exponential backoff, Retry-After honoured")
    retry_wait: Float = Field(1.0, gt=0, description="litellm: first backoff (s)")
    budget_usd: Float | None = Field(
        None, gt=0, description="litellm: hard cap on one job's spending; it stops before exceeding it")

    def identity(self, model_dir: str | Path | None, provider: ProviderSettings | None) -> str:
        if model_dir is not None:
            raise UserError("--model: backend litellm takes no model directory (the job's provider names the model)")
        if provider is None:
            raise UserError("--spec: backend litellm needs a provider (a models entry of source api)")
        return provider.identity

    def open(self, model_dir: str | Path | None, provider: ProviderSettings | None, gpus: int) -> Backend:
        from styledistill.generation.api.backend import LiteLLMBackend

        return LiteLLMBackend(self, provider)
