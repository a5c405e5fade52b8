"""scripts/gpu-smoke.sh on the CPU (this machine has no GPU): every phase runs and agrees with its reference; asked for
a GPU that torch does not see, it stops in one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

SCRIPT = REPO / "scripts" / "gpu-smoke.sh"


def _smoke(model: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MODEL_DIR": str(model), "PYTHON": sys.executable}
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, env=env, cwd=REPO, timeout=900)


@pytest.mark.slow  # about 30 s: generation, attention, two SFT steps, both losses
def test_the_cpu_path_of_every_phase(tmp_path: Path, smollm2_dir: Path) -> None:
    out = tmp_path / "smoke.json"
    result = _smoke(smollm2_dir, "--device", "cpu", "--steps", "2", "--batch", "1", "--prompts", "2",
                    "--new-tokens", "4", "--seq", "128", "--chunk-tokens", "32", "--out", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads(out.read_text())
    assert summary == json.loads(result.stdout) and summary["ok"]
    assert summary["environment"]["device"] == "cpu" and summary["environment"]["torch"]
    assert summary["generation"]["tokens"] > 0 and summary["generation"]["on"] == "cpu"
    assert summary["attention"]["max_logit_difference"] < 1e-3  # packed_sdpa against the masked reference
    assert summary["attention"]["unmasked_difference"] > 0.1  # and the comparison can tell a leak
    assert summary["sft"]["steps"] == 2 and summary["sft"]["last_loss"] > 0 and summary["sft"]["tokens_per_s"] > 0
    assert summary["loss"]["loss_difference"] < 1e-4 and summary["loss"]["max_grad_difference"] < 1e-4
    for name in ("generation", "attention", "sft", "loss"):
        assert summary[name]["seconds"] > 0 and summary[name]["peak_mb"] > 0


def test_a_gpu_run_without_a_gpu_is_one_line(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(REPO / "scripts" / "gpu_smoke.py"), "--model", str(tmp_path),
                             "--device", "cuda", "--out", str(tmp_path / "smoke.json")],
                            capture_output=True, text=True, cwd=REPO, timeout=300)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert "gpu-smoke --device cuda: the job asked for 1 GPU(s) and torch" in result.stderr
    assert not (tmp_path / "smoke.json").exists()
