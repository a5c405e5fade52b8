"""Generation requests and responses, and the content key that makes each request paid for once."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from styledistill.generation.common import Sampling


@dataclass(frozen=True)
class Request:
    """One completion of one chat prompt: sample `sample` of n, for the model whose identity is `model`."""

    model: str
    messages: tuple[tuple[str, str], ...]
    sampling: Sampling
    sample: int = 0
    tag: str = field(default="", compare=False)  # caller's label (e.g. a problem id); not part of the key

    @classmethod
    def chat(
        cls, model: str, messages: list[dict[str, str]], sampling: Sampling, sample: int = 0, tag: str = ""
    ) -> Request:
        return cls(model, tuple((m["role"], m["content"]) for m in messages), sampling, sample, tag)

    @property
    def continues(self) -> bool:
        """The chat ends with an assistant message: the model continues its text (a prefix it is made to have
        written, such as budget forcing's "Wait") instead of starting a new answer."""
        return bool(self.messages) and self.messages[-1][0] == "assistant"

    def message_dicts(self) -> list[dict[str, str]]:
        return [{"role": role, "content": content} for role, content in self.messages]

    @property
    def key(self) -> str:
        payload = {
            "model": self.model,
            "messages": self.messages,
            "sampling": self.sampling.key_values(),
            "sample": self.sample,
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class Response:
    key: str
    text: str
    finish_reason: str  # stop or length
    n_prompt_tokens: int
    n_completion_tokens: int
    reasoning_content: str | None = None
    cost_usd: float | None = None  # what the API call cost (prices in the spec, else litellm's map); None if unknown
    served_model: str | None = None  # the model the API says answered (its `model` field); None for local backends
    system_fingerprint: str | None = None  # what computed it: the API's backend configuration where it says; for a
    # local model its device, dtype and engine (devices.numerics)

    def to_record(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Response:
        return cls(**{k: record.get(k) for k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Failure:
    """A request the backend gave up on: not stored as finished, so the next run sends it again."""

    key: str
    error_type: str
    message: str  # scrubbed of secrets by the backend
    attempts: int
    tag: str = ""
    sample: int = 0

    @classmethod
    def of(cls, request: Request, error_type: str, message: str, attempts: int) -> Failure:
        return cls(request.key, error_type, message, attempts, request.tag, request.sample)

    def to_record(self) -> dict[str, Any]:
        return asdict(self)
