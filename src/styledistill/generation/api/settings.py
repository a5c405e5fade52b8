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
    expect_model: str | None = Field(
        None, description="a regular expression the model the API says served each answer must match in full "
        "(e.g. 'deepseek-reasoner' or 'DeepSeek-R1.*'): a job whose stored answers came from another model fails in "
        "one line naming it (null: no check; the served model is recorded either way)")

    @field_validator("expect_model")
    @classmethod
    def _pattern(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"not a valid regular expression: {exc}") from None
        return value

    def unexpected(self, served: str | None) -> bool:
        """Did another model than `expect_model` answer? (An answer that names no model is not checked.)"""
        return self.expect_model is not None and served is not None and re.fullmatch(self.expect_model, served) is None

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


class ApiSettings(CommonSettings):
    """What every API backend shares: the model from the job's provider, retries, timeouts and a budget cap."""

    timeout: Float = Field(600.0, gt=0, description="litellm, batch: seconds per HTTP call")
    max_retries: int = Field(
        5, ge=0, le=100, description="litellm: retries on 429/5xx/timeouts, exponential backoff, Retry-After "
        "honoured; batch: rounds that resubmit the entries a batch failed, expired or left out")
    retry_wait: Float = Field(1.0, gt=0, description="litellm, batch: first backoff (s)")
    budget_usd: Float | None = Field(
        None, gt=0, description="litellm, batch: hard cap on one job's spending; it stops before exceeding it")

    def identity(self, model_dir: str | Path | None, provider: ProviderSettings | None) -> str:
        if model_dir is not None:
            raise UserError(f"--model: backend {self.backend} takes no model directory (the job's provider names "
                            "the model)")
        if provider is None:
            raise UserError(f"--spec: backend {self.backend} needs a provider (a models entry of source api)")
        # The key names the model, not the route: online and batch requests serve each other.
        return provider.identity


class LitellmSettings(ApiSettings):
    """Call limits of the API backend."""

    backend: Literal["litellm"] = "litellm"
    sdk: Literal["auto", "openai", "litellm"] = Field(
        "auto", description="litellm: which library sends each call: openai (the OpenAI SDK: providers openai/<name> "
        "and hosted_vllm/<name>, an OpenAI-compatible endpoint), litellm (any provider litellm knows), auto (openai "
        "where the model has an api_base, else litellm). Answers are the same; the OpenAI SDK is faster and safe "
        "under hundreds of threads")
    max_concurrency: int = Field(4, ge=1, le=4096, description="litellm: requests in flight at once")
    rpm: int | None = Field(None, ge=1, description="litellm: requests per minute")
    tpm: int | None = Field(None, ge=1, description="litellm: tokens per minute")

    def open(self, model_dir: str | Path | None, provider: ProviderSettings | None, gpus: int,
             state_dir: Path | None = None) -> Backend:
        from styledistill.generation.api.backend import OnlineBackend

        return OnlineBackend(self, provider)


# Providers with an OpenAI-style Batch API (files + batches endpoints), by the prefix of their litellm string.
BATCH_PROVIDERS = ("openai",)


class BatchSettings(ApiSettings):
    """The OpenAI Batch API: requests uploaded as one JSONL file, answered within a day at a discount."""

    backend: Literal["batch"] = "batch"
    poll_seconds: Float = Field(60.0, gt=0, le=3600, description="batch: seconds between status checks")
    max_batch_requests: int = Field(50_000, ge=1, le=50_000, description="batch: requests per batch (OpenAI's "
                                    "limit: 50,000)")
    max_wait_hours: Float = Field(
        26.0, gt=0, le=240, description="batch: stop polling a batch not finished by then (a rerun polls it again; "
        "OpenAI's window is 24 hours, and an expired batch's unanswered entries are resubmitted)")
    discount: Float = Field(0.5, gt=0, le=1,
                            description="batch: the batch price as a share of the prices (OpenAI: half)")

    def open(self, model_dir: str | Path | None, provider: ProviderSettings | None, gpus: int,
             state_dir: Path | None = None) -> Backend:
        from styledistill.generation.api.batch import BatchBackend

        if provider.provider.split("/", 1)[0] not in BATCH_PROVIDERS:
            raise UserError(f"--spec: backend batch needs a provider with a batch API ({', '.join(BATCH_PROVIDERS)}), "
                            f"not {provider.provider}")
        if state_dir is None:
            raise UserError("backend batch keeps its batches beside the request store; none was given")
        return BatchBackend(self, provider, state_dir)
