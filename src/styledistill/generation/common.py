"""Settings every generation backend reads: sampling (part of every request key) and the failure tolerance."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from styledistill.settings import Field, Float, Settings

if TYPE_CHECKING:
    from styledistill.generation.api.settings import ProviderSettings
    from styledistill.generation.backend import Backend


class Sampling(Settings):
    """How one request is sampled; all four values enter the request's content key."""

    max_new_tokens: int = Field(256, ge=1, le=1_048_576, description="tokens generated per answer at most (a longer "
                                "answer is kept, labelled truncated)")
    temperature: Float = Field(0.0, ge=0, description="0 = greedy")
    top_p: Float = Field(1.0, gt=0, le=1, description="nucleus sampling: the smallest set of tokens with this much "
                         "probability")
    seed: int = Field(0, ge=0, le=2**32 - 1,
                      description="sampling seed (with the sample index, part of every request's key)")


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

    def open(self, model_dir: str | Path | None, provider: ProviderSettings | None, gpus: int) -> Backend:
        """The backend, ready to generate (loads the model or reads the API key)."""
        raise NotImplementedError
