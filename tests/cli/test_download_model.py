"""download_model against a local hub stand-in (huggingface_hub's real client, HF_ENDPOINT pointed at it), and
prepare_model reading the downloaded files with the network off."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO
from tests.fakes.hub_server import COMMIT, FakeHub

REPO_ID = "test-org/SmolLM2-135M-Instruct"


def _cli(stage: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", f"styledistill.cli.{stage}", *args], capture_output=True, text=True,
                          cwd=REPO, env={**os.environ, **env})


def _spec(path: str, revision: str | None = None) -> str:
    return json.dumps({"version": 1, "stage": {"source": "hf", "path": path, "revision": revision}})


def test_a_hub_model_is_downloaded_then_prepared_without_the_network(tmp_path: Path, smollm2_dir: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(smollm2_dir, repo)
    (repo / "original").mkdir()
    (repo / "original" / "consolidated.00.pth").write_bytes(b"native weights: a duplicate, not fetched")
    cache, record = tmp_path / "cache", tmp_path / "downloads" / "smollm2.json"
    with FakeHub({REPO_ID: repo}) as hub:
        result = _cli("download_model", "--spec", _spec(REPO_ID, "main"), "--out", str(record), "--cache-dir",
                      str(cache), env={"HF_ENDPOINT": hub.url})
        assert result.returncode == 0, result.stderr[-2000:]
        assert not any("original" in path for _, path in hub.requests)
    fetched = json.loads(record.read_text())
    assert fetched["commit"] == COMMIT and fetched["revision"] == "main"  # the pin a config can write
    assert {"config.json", "model.safetensors", "tokenizer.json"} <= set(fetched["files"])
    assert not any(f.startswith("original/") for f in fetched["files"])
    # prepare_model on a compute node without internet: the files come from the download
    offline = {"HF_HUB_OFFLINE": "1", "HF_ENDPOINT": "http://127.0.0.1:9"}
    spec = json.dumps({"version": 1, "stage": {"source": "hf", "path": REPO_ID, "dtype": "float32"}})
    out = tmp_path / "model"
    result = _cli("prepare_model", "--spec", spec, "--out", str(out), "--cache-dir", str(cache), "--download",
                  str(record), env=offline)
    assert result.returncode == 0, result.stderr[-2000:]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["commit"] == COMMIT and (out / "model.safetensors").exists()


def test_an_unknown_hub_model_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    record = tmp_path / "d.json"
    with FakeHub({}) as hub:
        result = _cli("download_model", "--spec", _spec("nobody/nothing"), "--out", str(record), "--cache-dir",
                      str(tmp_path / "cache"), env={"HF_ENDPOINT": hub.url})
    assert result.returncode != 0 and not record.exists()
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines[-1].startswith("error: model 'nobody/nothing': cannot download"), lines[-3:]


def test_pin_writes_the_revision_of_every_hub_model_and_dataset(tmp_path: Path) -> None:
    """The paper overlay's hub models, its problem sets and presets, its imported R1 traces, each pinned to the commit
    the hub resolves now; the overlay checks with the config and reaches download_model's spec."""
    from styledistill.cli.check import BASE, check
    from styledistill.config import specs

    repos = ["meta-llama/Llama-3.2-3B-Instruct", "mistralai/Ministral-8B-Instruct-2410", "Qwen/Qwen2.5-32B-Instruct",
             "deepseek-ai/DeepSeek-R1", "open-r1/OpenR1-Math-220k", "DigitalLearningGmbH/MATH-lighteval",
             "HuggingFaceH4/MATH-500", "HuggingFaceH4/aime_2024", "Idavidrein/gpqa"]
    pins = tmp_path / "pins.yaml"
    with FakeHub({repo: tmp_path for repo in repos}) as hub:
        result = _cli("pin", "--configfile", "experiments/paper.yaml", "--out", str(pins), env={"HF_ENDPOINT": hub.url})
    assert result.returncode == 0, result.stderr[-2000:]
    # 4 models, 5 datasets (two hub sets, three presets), the imported R1 traces
    assert result.stdout.strip() == f"pinned 10 hub repositories in {pins}"
    study, problems = check([str(REPO / BASE), str(REPO / "experiments/paper.yaml"), str(pins)])
    assert not problems
    assert {m.revision for k, m in study.models.items() if m.source == "hf"} == {COMMIT}
    assert study.datasets["math_train"].revision == COMMIT and study.datasets["aime24"].revision == COMMIT
    assert study.teachers["r1_import"].revision == COMMIT
    assert json.loads(specs.download_model(study, "qwen2.5-32b"))["stage"]["revision"] == COMMIT
    with FakeHub({}) as hub:  # a repository the hub does not know: one line, nothing written
        result = _cli("pin", "--configfile", "experiments/paper.yaml", "--out", str(tmp_path / "none.yaml"),
                      env={"HF_ENDPOINT": hub.url})
    assert result.returncode == 2 and not (tmp_path / "none.yaml").exists()
    assert re.fullmatch(r"error: models: '[^']+': cannot resolve \(404 .*\)", result.stderr.strip().splitlines()[-1])
