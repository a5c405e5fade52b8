"""How one chat request reaches the API: through litellm (any provider) or the OpenAI SDK (OpenAI-compatible
endpoints). Each sends one HTTP request per call (no retries of its own) and returns a stored response.

The OpenAI SDK is the faster route, and the safe one under many threads (bench/api.py, 2 cores, 256 threads): litellm's
sync path sent half the requests per second or less, and about one call in a thousand through it failed with
`[Errno 9] Bad file descriptor` or hung until its timeout, because its shared httpx pool can close a connection it
has handed to a waiting request (encode/httpcore#1110). The SDK route gives each thread its own client.
`sdk: auto` takes the SDK wherever the endpoint speaks OpenAI's protocol.
"""

from __future__ import annotations

import json
import os
import threading
from typing import Any, Protocol

from styledistill.generation.api.chat import chat_response
from styledistill.generation.api.retries import MalformedResponse
from styledistill.generation.api.settings import LitellmSettings, ProviderSettings
from styledistill.generation.common import OPENAI_CONTROLS
from styledistill.generation.request import Request, Response

# Providers (litellm prefixes) that name an OpenAI-compatible endpoint: the OpenAI SDK can send their requests.
OPENAI_SDK_PROVIDERS = ("openai", "hosted_vllm")


class Sender(Protocol):
    def send(self, request: Request, prompt_estimate: int) -> Response:
        """One HTTP request; `prompt_estimate` stands in for prompt tokens an answer does not report."""

    def close(self) -> None: ...


def import_litellm():
    os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"  # before the import: no price map from the internet
    import logging

    import litellm

    litellm.suppress_debug_info = True
    litellm.disable_hf_tokenizer_download = True  # token estimates with the bundled tiktoken, offline
    litellm.drop_params = True  # a sampling parameter a provider lacks is dropped, not an error
    for name in ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy", "httpx", "httpcore", "openai"):
        logging.getLogger(name).setLevel(logging.ERROR)
    return litellm


def chat_parameters(request: Request) -> dict[str, Any]:
    """The chat completion's parameters in OpenAI's names; controls that are not OpenAI's go in the body, for the
    servers that read them (vLLM, SGLang)."""
    sampling = request.sampling
    controls = sampling.controls()
    openai_controls = {name: controls.pop(name) for name in OPENAI_CONTROLS if name in controls}
    return {
        "messages": request.message_dicts(),
        "max_tokens": sampling.max_new_tokens,
        "temperature": sampling.temperature,
        "top_p": sampling.top_p,
        "seed": int(request.key[:8], 16) % (2**31),  # per request: n samples of one prompt differ
        **openai_controls,
        **({"extra_body": controls} if controls else {}),
    }


class OpenAISender:
    """The OpenAI SDK's sync client, one per thread, each with its own keep-alive connection.

    Not one client shared by the threads: httpcore 1.0.9's pool can close a connection it has just handed to a waiting
    request (encode/httpcore#1110: `Bad file descriptor`, or a hang until the read timeout), and its bookkeeping grows
    with threads times connections; at 256 threads a shared pool of 256 connections ran at an eighth of this speed.
    """

    def __init__(self, settings: LitellmSettings, provider: ProviderSettings, key: str | None,
                 prices: tuple[float, float] | None) -> None:
        self.settings, self.provider, self.key, self.prices = settings, provider, key, prices
        self.model = provider.provider.split("/", 1)[1]
        self._local = threading.local()
        self._clients: list[Any] = []
        self._lock = threading.Lock()

    def _client(self) -> Any:
        client = getattr(self._local, "client", None)
        if client is None:
            import httpx
            import openai

            one = httpx.Limits(max_connections=1, max_keepalive_connections=1)
            client = openai.OpenAI(api_key=self.key, base_url=self.provider.api_base, timeout=self.settings.timeout,
                                   max_retries=0, http_client=httpx.Client(limits=one, timeout=self.settings.timeout))
            self._local.client = client
            with self._lock:
                self._clients.append(client)
        return client

    def send(self, request: Request, prompt_estimate: int) -> Response:
        raw = self._client().chat.completions.with_raw_response.create(model=self.model, **chat_parameters(request))
        try:
            body = json.loads(raw.http_response.content)
        except ValueError:
            raise MalformedResponse("the answer is not JSON") from None
        # An answer without usage is charged its worst case: the budget must not undercount.
        return chat_response(request.key, body, self.prices, (prompt_estimate, request.sampling.max_new_tokens))

    def close(self) -> None:
        with self._lock:
            clients, self._clients = self._clients, []
            self._local = threading.local()  # a later call builds new clients
        for client in clients:
            client.close()


class LitellmSender:
    """litellm.completion: any provider it knows, with its own parameter mapping and price map."""

    def __init__(self, settings: LitellmSettings, provider: ProviderSettings, key: str | None,
                 prices: tuple[float, float] | None) -> None:
        self.litellm = import_litellm()
        self.settings, self.provider, self.key, self.prices = settings, provider, key, prices

    def send(self, request: Request, prompt_estimate: int) -> Response:
        raw = self.litellm.completion(model=self.provider.provider, api_base=self.provider.api_base, api_key=self.key,
                                      timeout=self.settings.timeout,
                                      max_retries=0,  # the OpenAI SDK retries twice by default: every retry is ours
                                      **chat_parameters(request))
        return self._parse(request, raw, prompt_estimate)

    def close(self) -> None:
        """Nothing to close: litellm keeps its clients in its own cache."""

    def _cost(self, raw: Any, prompt_tokens: int, completion_tokens: int) -> float | None:
        if self.provider.prices is None:
            try:
                return float(self.litellm.completion_cost(completion_response=raw))
            except Exception:  # noqa: BLE001 -- a cost litellm cannot compute is unknown, not an error
                pass
        return prompt_tokens * self.prices[0] + completion_tokens * self.prices[1] if self.prices else None

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
            completion_tokens = self.litellm.token_counter(model=self.provider.provider, text=(reasoning or "") + text)
        prompt_tokens, completion_tokens = int(prompt_tokens), int(completion_tokens)
        return Response(
            key=request.key,
            text=text,
            finish_reason=str(getattr(choices[0], "finish_reason", None) or "stop"),
            n_prompt_tokens=prompt_tokens,
            n_completion_tokens=completion_tokens,
            reasoning_content=reasoning,
            cost_usd=self._cost(raw, prompt_tokens, completion_tokens),
            served_model=getattr(raw, "model", None) or None,
            system_fingerprint=getattr(raw, "system_fingerprint", None) or None,
        )


SENDERS: dict[str, type[OpenAISender] | type[LitellmSender]] = {"openai": OpenAISender, "litellm": LitellmSender}


def sender_name(sdk: str, provider: str, api_base: str | None) -> str:
    """The route `sdk` (auto, openai or litellm) takes for this provider; ValueError where the SDK cannot serve it."""
    compatible = provider.split("/", 1)[0] in OPENAI_SDK_PROVIDERS
    if sdk == "auto":
        return "openai" if compatible and api_base else "litellm"
    if sdk == "openai" and not compatible:
        raise ValueError(f"openai sends to OpenAI-compatible providers "
                         f"({', '.join(p + '/<model>' for p in OPENAI_SDK_PROVIDERS)}), not {provider}; use litellm")
    if sdk == "openai" and not api_base and not provider.startswith("openai/"):
        raise ValueError(f"openai needs the api_base of the server that hosts {provider}")
    return sdk
