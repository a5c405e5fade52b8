"""A finished completion and the fields every stage keeps of it (one place splits reasoning from answer)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from styledistill.generation.request import Request, Response
from styledistill.reasoning import split_completion


@dataclass(frozen=True)
class Completion:
    tag: str
    sample: int
    request: Request
    response: Response

    def record(self, answer_marker: str | None) -> dict[str, Any]:
        """Raw text, reasoning and answer split, how they were split, and what the request cost."""
        response = self.response
        split = split_completion(response.text, answer_marker, response.reasoning_content)
        return {
            "request_key": self.request.key,
            "text": response.text,
            "reasoning": split.reasoning,
            "answer_text": split.answer_text,
            "split_method": split.method,
            "finish_reason": response.finish_reason,
            "truncated": response.finish_reason == "length" or split.unclosed_think,
            "n_completion_tokens": response.n_completion_tokens,
            "n_prompt_tokens": response.n_prompt_tokens,
            "cost_usd": response.cost_usd,
            "served_model": response.served_model,
            "system_fingerprint": response.system_fingerprint,
            "empty": not response.text.strip() and not (response.reasoning_content or "").strip(),
        }
