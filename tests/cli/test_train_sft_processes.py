"""train_sft in several processes, as the rule launches it (torchrun, DeepSpeed over gloo on CPU), LoRA, packing,
and the paper's recipes on tiny random models of their architectures."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from styledistill.sft.recipe import launcher, resolve
from tests.cli.test_train_sft import RECIPE, _losses
from tests.conftest import REPO

pytestmark = [pytest.mark.slow, pytest.mark.multiprocess]  # several torchrun/DeepSpeed ranks

pytest.importorskip("deepspeed")

ZERO = {2: str(REPO / "recipes" / "deepspeed" / "zero2.json"), 3: str(REPO / "recipes" / "deepspeed" / "zero3.json")}
PAPER = {"llama3.2-3b": "llama", "ministral-8b": "mistral", "qwen2.5-32b": "qwen2"}


def _command(spec: dict, examples: Path, model: Path, root: Path, recipe: str = RECIPE) -> list[str]:
    """The rule's command for this job: its launcher (sft.recipe.launcher), then the CLI and its arguments."""
    head = launcher(resolve(recipe, spec))
    head[0] = str(Path(sys.executable).parent / head[0])
    return [*head, "styledistill.cli.train_sft", "--spec", json.dumps({"version": 1, "stage": spec}),
            "--examples", str(examples), "--model", str(model), "--recipe", recipe,
            "--out", str(root / "model"), "--work-dir", str(root / "work"), "--threads", "2"]


def _env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "OMP_NUM_THREADS": "1", **extra}
    env.pop("ACCELERATE_USE_CPU", None)
    env.update(extra)
    return env


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def _run(spec: dict, examples: Path, model: Path, root: Path, **env: str) -> dict:
    result = subprocess.run(_command(spec, examples, model, root), env=_env(**env), capture_output=True, text=True,
                            timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads((root / "model" / "train_log.json").read_text())


@pytest.mark.parametrize("stage", [2, 3])
def test_deepspeed_zero_in_two_processes_matches_one(stage: int, tiny_llama_dir: Path, examples: Path,
                                                    tmp_path: Path) -> None:
    spec = {"deepspeed": ZERO[stage], "processes": 2, "max_steps": 3, "epochs": 3}
    assert _command(spec, examples, tiny_llama_dir, tmp_path)[1:6] == [
        "--standalone", "--nnodes", "1", "--nproc-per-node", "2"]
    two = _run(spec, examples, tiny_llama_dir, tmp_path / "two")
    # one process with the same global batch (2 x 4) sees the same examples in each step
    one = _run({"per_device_batch_size": 8, "max_steps": 3, "epochs": 3}, examples, tiny_llama_dir, tmp_path / "one")
    metrics = two["metrics"]
    assert metrics["world_size"] == 2
    assert metrics["processes"] == [{"rank": r, "engine": "DeepSpeedEngine", "zero_stage": stage} for r in (0, 1)]
    assert one["metrics"]["processes"] == [{"rank": 0, "engine": "LlamaForCausalLM", "zero_stage": None}]
    assert _losses(two) == pytest.approx(_losses(one), abs=1e-4) and len(_losses(two)) == 3
    from transformers import AutoModelForCausalLM

    assert AutoModelForCausalLM.from_pretrained(str(tmp_path / "two" / "model")).num_parameters() == \
        metrics["trainable_parameters"]  # ZeRO-3's shards were gathered into one full model


def test_a_silent_fallback_from_deepspeed_fails_the_job(tiny_llama_dir: Path, examples: Path, tmp_path: Path) -> None:
    spec = {"deepspeed": ZERO[2], "processes": 2, "max_steps": 1}
    result = subprocess.run(_command(spec, examples, tiny_llama_dir, tmp_path), capture_output=True, text=True,
                            env=_env(ACCELERATE_USE_CPU="true"), timeout=600)
    assert result.returncode != 0 and "the Trainer is not running DeepSpeed" in result.stderr
    assert not (tmp_path / "model").exists()


def test_a_killed_zero3_run_resumes_to_the_same_losses(tiny_llama_dir: Path, examples: Path, tmp_path: Path) -> None:
    spec = {"deepspeed": ZERO[3], "processes": 2, "per_device_batch_size": 1, "epochs": 4, "save_steps": 2,
            "save_total_limit": 2}
    whole = _run(spec, examples, tiny_llama_dir, tmp_path / "whole")
    root = tmp_path / "killed"
    job = subprocess.Popen(_command(spec, examples, tiny_llama_dir, root), env=_env(), start_new_session=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    checkpoint = root / "work" / "checkpoints" / "checkpoint-2" / "trainer_state.json"
    deadline = time.monotonic() + 600
    while not checkpoint.exists() and job.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert job.poll() is None, "the run ended before it could be killed"
    ranks = [pid for pid in _children(job.pid)]
    assert len(ranks) == 2
    os.kill(job.pid, signal.SIGKILL)  # the launcher; its ranks (each in a session of its own) must die with it
    job.wait()
    deadline = time.monotonic() + 30
    while any(Path(f"/proc/{pid}").exists() for pid in ranks) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(Path(f"/proc/{pid}").exists() for pid in ranks), "orphaned ranks kept training"
    assert not (root / "model").exists()
    resumed = _run(spec, examples, tiny_llama_dir, root)
    assert resumed["metrics"]["resumed_from_step"] >= 2
    assert resumed["metrics"]["global_step"] == whole["metrics"]["global_step"] == 16
    assert _losses(resumed) == pytest.approx(_losses(whole), abs=1e-4)


def test_lora_trains_adapters_only_and_saves_a_merged_model(tiny_qwen2_dir: Path, examples: Path,
                                                           tmp_path: Path) -> None:
    log = _run({"lora_rank": 4, "lora_alpha": 8, "max_steps": 2, "learning_rate": 1e-2}, examples, tiny_qwen2_dir,
               tmp_path)
    from transformers import AutoModelForCausalLM

    base = AutoModelForCausalLM.from_pretrained(str(tiny_qwen2_dir))
    tuned = AutoModelForCausalLM.from_pretrained(str(tmp_path / "model"))
    assert 0 < log["metrics"]["trainable_parameters"] < base.num_parameters() / 10
    assert tuned.num_parameters() == base.num_parameters()  # merged: a plain model, no adapter files
    assert not (tmp_path / "model" / "adapter_config.json").exists()
    changed = [name for name, p in tuned.named_parameters() if not p.equal(base.get_parameter(name))]
    assert changed and all("proj" in name for name in changed)  # only the adapted linear layers moved
    recipe = (tmp_path / "model" / "recipe.yaml").read_text()
    assert "lora_rank: 4" in recipe and "dropped_too_long: 0" in recipe


@pytest.mark.parametrize("family", sorted(PAPER))
def test_paper_recipes_train_tiny_models_of_their_architecture(family: str, smollm2_dir: Path, examples: Path,
                                                               tmp_path: Path) -> None:
    from tests.conftest import _prepare

    shape = PAPER[family]
    model = _prepare(f"tiny-{shape}", {"source": "random", "architecture": shape, "hidden_size": 64,
                                       "num_layers": 2, "seed": 0}, "--tokenizer-from", str(smollm2_dir))
    recipe_file = str(REPO / "recipes" / "sft" / f"{family}.yaml")
    recipe = resolve(recipe_file, {})
    assert recipe["epochs"] == 5 and recipe["gpus"] == 8 and recipe["dtype"] == "bfloat16"
    assert recipe["base_model"].split("/")[0] in ("meta-llama", "mistralai", "Qwen")
    from styledistill.sft.train import training_arguments
    from styledistill.tracking import Reporting

    args = training_arguments(recipe, tmp_path / "args", __import__("torch").bfloat16, Reporting())
    assert args.activation_checkpointing and args.num_train_epochs == 5 and args.deepspeed == recipe["deepspeed"]
    # the same recipe, on CPU in one process and a few short steps
    overrides = {"gpus": 0, "max_steps": 2, "max_length": 256, "gradient_accumulation_steps": 1}
    cmd = _command(overrides, examples, model, tmp_path, recipe=recipe_file)
    result = subprocess.run(cmd, env=_env(), capture_output=True, text=True, timeout=900, cwd=REPO)
    assert result.returncode == 0, result.stderr[-3000:]
    log = json.loads((tmp_path / "model" / "train_log.json").read_text())
    assert log["metrics"]["global_step"] == 2 and log["metrics"]["packing"] and log["metrics"]["padding_share"] == 0
    assert log["metrics"]["attention"] == "packed_sdpa"
    assert log["metrics"]["processes"][0]["engine"] == "DeepSpeedEngine"


def test_the_chunked_loss_under_zero3_in_two_processes_matches_one_full(tiny_llama_dir: Path, examples: Path,
                                                                       tmp_path: Path) -> None:
    """ZeRO-3 partitions the output layer: the chunked loss calls it as a module, so it is gathered for each chunk;
    two processes then train as one process with the full loss, and the saved model is whole."""
    spec = {"deepspeed": ZERO[3], "processes": 2, "max_steps": 3, "epochs": 3, "loss": "chunked",
            "loss_chunk_tokens": 16, "save_steps": 1}
    two = _run(spec, examples, tiny_llama_dir, tmp_path / "two")
    one = _run({"per_device_batch_size": 8, "max_steps": 3, "epochs": 3}, examples, tiny_llama_dir, tmp_path / "one")
    assert _losses(two) == pytest.approx(_losses(one), abs=1e-4) and len(_losses(two)) == 3
    from transformers import AutoModelForCausalLM

    saved = AutoModelForCausalLM.from_pretrained(str(tmp_path / "two" / "model"))
    assert saved.num_parameters() == two["metrics"]["trainable_parameters"]
