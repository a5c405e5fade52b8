"""A chat completion's JSON body, as an OpenAI-compatible server sends it, read into a stored response."""

from __future__ import annotations

import re
from typing import Any

from styledistill.generation.api.retries import MalformedResponse
from styledistill.generation.request import Response
from styledistill.prompting import THINK_CLOSE, THINK_OPEN

# Reasoning inside the content when the server has no separate field: "<think>…</think>answer" (as litellm splits it).
_THINK = re.compile(re.escape(THINK_OPEN) + "(.*?)" + re.escape(THINK_CLOSE) + "(.*)", re.DOTALL)
# The fields servers put reasoning in: DeepSeek and older vLLM `reasoning_content`, vLLM 0.32 `reasoning`.
REASONING_FIELDS = ("reasoning_content", "reasoning")


def reasoning_and_text(message: dict[str, Any]) -> tuple[str | None, str]:
    text = message.get("content")
    text = "" if text is None else text  # empty content is kept, not a failure
    if not isinstance(text, str):
        raise MalformedResponse(f"message content is {type(text).__name__}, not text")
    for field in REASONING_FIELDS:
        if isinstance(message.get(field), str) and message[field]:
            return message[field], text
    split = _THINK.match(text)
    return (split[1], split[2]) if split else (None, text)


def chat_response(key: str, body: Any, prices: tuple[float, float] | None,
                  missing_usage: tuple[int, int] = (0, 0)) -> Response:
    """The response to request `key`; usage the body lacks counts as `missing_usage` (prompt, completion tokens);
    MalformedResponse for a body that is not a chat completion."""
    choices = body.get("choices") if isinstance(body, dict) else None
    if not choices or not isinstance(choices, list) or not isinstance(choices[0], dict):
        raise MalformedResponse("the answer has no choices")
    message = choices[0].get("message")
    if not isinstance(message, dict):
        raise MalformedResponse("the first choice has no message")
    reasoning, text = reasoning_and_text(message)
    usage = body.get("usage") if isinstance(body.get("usage"), dict) else {}
    prompt = usage.get("prompt_tokens")
    completion = usage.get("completion_tokens")
    prompt = int(prompt) if isinstance(prompt, int) else missing_usage[0]
    completion = int(completion) if isinstance(completion, int) else missing_usage[1]
    return Response(key=key, text=text, finish_reason=str(choices[0].get("finish_reason") or "stop"),
                    n_prompt_tokens=prompt, n_completion_tokens=completion, reasoning_content=reasoning,
                    cost_usd=prompt * prices[0] + completion * prices[1] if prices else None,
                    served_model=body.get("model") or None, system_fingerprint=body.get("system_fingerprint") or None)
