"""Settings every generation backend reads: sampling (part of every request key) and the failure tolerance."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BeforeValidator

from styledistill.settings import Field, Float, Settings, Text

if TYPE_CHECKING:
    from styledistill.generation.api.settings import ProviderSettings
    from styledistill.generation.backend import Backend


def _as_tuple(value: Any) -> Any:
    """A list from YAML or JSON as a tuple: settings are frozen and hashable."""
    return tuple(value) if isinstance(value, list) else value


class Sampling(Settings):
    """How one request is sampled; every value enters the request's content key (a decoding control only when it is
    on: keys made before the controls existed stay valid)."""

    max_new_tokens: int = Field(256, ge=1, le=1_048_576, description="tokens generated per answer at most (a longer "
                                "answer is kept, labelled truncated)")
    temperature: Float = Field(0.0, ge=0, description="0 = greedy")
    top_p: Float = Field(1.0, gt=0, le=1, description="nucleus sampling: the smallest set of tokens with this much "
                         "probability")
    seed: int = Field(0, ge=0, le=2**32 - 1,
                      description="sampling seed (with the sample index, part of every request's key)")
    # Decoding controls (open-r1 and s1 evaluate R1-style students with some of them); the default of each is "off".
    top_k: int | None = Field(None, ge=1, le=1_048_576, description="sample among the k likeliest tokens only "
                              "(null: no cut)")
    min_p: Float = Field(0.0, ge=0, lt=1, description="drop tokens less likely than min_p times the likeliest "
                         "(0: off)")
    repetition_penalty: Float = Field(1.0, gt=0, le=10, description="logits of tokens already in the prompt or the "
                                      "output divided by it when positive, multiplied when negative (1: off; as "
                                      "transformers and vLLM define it; API backends pass it to servers that take "
                                      "it, e.g. vLLM's)")
    presence_penalty: Float = Field(0.0, ge=-2, le=2, description="subtracted from the logit of every token already "
                                    "in the output (0: off; OpenAI's definition)")
    stop: Annotated[tuple[Text, ...], BeforeValidator(_as_tuple)] = Field(
        (), max_length=16, description="the answer ends before the first of these strings (left out of its text; "
        "finish_reason stop); empty: only the model's end-of-sequence ends it")
    reasoning_effort: Literal["minimal", "low", "medium", "high"] | None = Field(
        None, description="backend litellm: how much a reasoning model thinks (OpenAI's reasoning_effort; litellm "
        "maps it to the providers that take one, e.g. Anthropic's and Gemini's thinking budgets); null: the "
        "provider's default")

    def key_values(self) -> dict[str, Any]:
        """What enters a request's content key: every value, the decoding controls only when they are on."""
        values = self.model_dump()
        for name in DECODING_CONTROLS:
            if values[name] == type(self).model_fields[name].default:
                del values[name]
        return values

    def controls(self) -> dict[str, Any]:
        """The decoding controls that are on, by name, as JSON values (what an engine or an API body takes)."""
        on, values = self.key_values(), self.model_dump(mode="json")
        return {name: values[name] for name in DECODING_CONTROLS if name in on}


DECODING_CONTROLS = ("top_k", "min_p", "repetition_penalty", "presence_penalty", "stop", "reasoning_effort")
# What only an API takes (a local backend refuses it at the dry run).
API_CONTROLS = ("reasoning_effort",)
# The controls that are OpenAI's own request parameters (the others go in the body for servers that read them).
OPENAI_CONTROLS = ("presence_penalty", "stop", "reasoning_effort")


class CommonSettings(Sampling):
    """Sampling plus what every backend shares; subclasses name their backend and add their own keys."""

    backend: str
    max_failure_rate: Float = Field(
        0.05, ge=0, le=1, description="above this share of failed requests the job fails (what finished is kept)")

    def sampling(self) -> Sampling:
        return Sampling.model_validate(self.model_dump(include=set(Sampling.model_fields)))

    def identity(self, model_dir: str | Path | None, provider: ProviderSettings | None) -> str:
        """The model part of every request key (checking that the job names its model the backend's way)."""
        raise NotImplementedError

    def open(self, model_dir: str | Path | None, provider: ProviderSettings | None, gpus: int,
             state_dir: Path | None = None) -> Backend:
        """The backend, ready to generate (loads the model or reads the API key); `state_dir`: the request store's
        directory, where a backend keeps what it must find again after a kill (batch: its submitted batches)."""
        raise NotImplementedError
