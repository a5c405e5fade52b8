"""The train_sft CLI as a Snakemake rule runs it: tiny random students, a handful of hand-written examples."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from styledistill.cli._common import run
from styledistill.cli.train_sft import main
from tests.conftest import REPO, run_cli

RECIPE = str(REPO / "recipes" / "sft" / "tiny.yaml")


def _argv(spec: dict, examples: Path, model: Path, root: Path, recipe: str = RECIPE) -> list[str]:
    return ["--spec", json.dumps({"version": 1, "stage": spec}), "--examples", str(examples), "--model", str(model),
            "--recipe", recipe,
            "--out", str(root / "results" / "model"), "--work-dir", str(root / "work"), "--threads", "2"]


def _train(spec: dict, examples: Path, model: Path, root: Path) -> dict:
    run_cli("train_sft", *_argv(spec, examples, model, root))
    return json.loads((root / "results" / "model" / "train_log.json").read_text())


def _losses(log: dict) -> list[float]:
    return [entry["loss"] for entry in log["log_history"] if "loss" in entry]


def test_help() -> None:
    result = run_cli("train_sft", "--help")
    assert "--work-dir" in result.stdout and "--recipe" in result.stdout


def test_trains_loads_and_resumes_exactly_after_a_kill(tiny_llama_dir: Path, examples: Path, tmp_path: Path) -> None:
    spec = {"save_steps": 1, "save_total_limit": 10, "keep_checkpoints": True}
    log = _train(spec, examples, tiny_llama_dir, tmp_path)
    out = tmp_path / "results" / "model"
    metrics = log["metrics"]
    # 8 examples, batch 4, 2 epochs: 4 steps; the loss on the same data falls
    assert metrics["global_step"] == 4 and metrics["epochs_done"] == 2.0 and metrics["resumed_from_step"] is None
    losses = _losses(log)
    assert len(losses) == 4 and losses[-1] < losses[0] and sum(losses[2:]) < sum(losses[:2])
    assert metrics["tokens_trained"] > 0 and metrics["tokens_per_s"] > 0 and metrics["wall_seconds"] > 0

    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["stage"] == "train_sft" and manifest["rows"] == 8
    assert manifest["metrics"]["final_loss"] == losses[-1]
    assert manifest["data"]["examples_kept"] == 8 and manifest["data"]["dropped_prompt_too_long"] == 0
    assert {"model.safetensors", "config.json", "tokenizer.json", "train_log.json"} <= set(manifest["files"])
    assert sorted(p.name for p in out.parent.iterdir()) == ["model"]  # no staging left behind

    from transformers import AutoModelForCausalLM

    from styledistill.models.loading import load_model, load_tokenizer

    model, tok = load_model(out, "auto", 0), load_tokenizer(out)
    assert model.config.use_cache
    assert AutoModelForCausalLM.from_pretrained(str(out)).config.architectures == ["LlamaForCausalLM"]
    prompt = tok.apply_chat_template([{"role": "user", "content": "2+2?"}], add_generation_prompt=True,
                                     return_tensors="pt", return_dict=True)
    assert model.generate(**prompt, max_new_tokens=2, do_sample=False).shape[1] == prompt["input_ids"].shape[1] + 2

    # A kill after step 2, in the middle of saving step 3: the rerun continues from step 2 and ends identical.
    first = (out / "model.safetensors").read_bytes()
    checkpoints = tmp_path / "work" / "checkpoints"
    for step in (3, 4):
        shutil.rmtree(checkpoints / f"checkpoint-{step}")
    (checkpoints / "checkpoint-3").mkdir()
    (checkpoints / "checkpoint-3" / "trainer_state.json").write_text('{"glob')
    shutil.rmtree(out)
    again = _train(spec, examples, tiny_llama_dir, tmp_path)
    assert again["metrics"]["resumed_from_step"] == 2 and again["metrics"]["steps_this_run"] == 2
    assert _losses(again) == losses
    assert (out / "model.safetensors").read_bytes() == first


def test_raising_max_steps_resumes_and_a_new_recipe_restarts(tiny_qwen2_dir: Path, examples: Path,
                                                               tmp_path: Path) -> None:
    first = _train({"max_steps": 2, "save_steps": 1, "keep_checkpoints": True}, examples, tiny_qwen2_dir, tmp_path)
    assert first["metrics"]["global_step"] == 2
    # tiny.yaml keeps one checkpoint (save_total_limit: 1)
    assert sorted(p.name for p in (tmp_path / "work" / "checkpoints").iterdir()) == ["checkpoint-2"]

    shutil.rmtree(tmp_path / "results")
    second = _train({"max_steps": 4, "save_steps": 1, "keep_checkpoints": True}, examples, tiny_qwen2_dir, tmp_path)
    assert second["metrics"]["resumed_from_step"] == 2
    assert second["metrics"]["global_step"] == 4 and second["metrics"]["steps_this_run"] == 2
    steps = [entry["step"] for entry in second["log_history"] if "loss" in entry]
    assert steps == [1, 2, 3, 4]
    assert _losses(second)[:2] == _losses(first)  # the history of the first run is carried on

    # Another learning rate: the old checkpoints are not resumed from.
    third = _train({"max_steps": 1, "save_steps": 1, "learning_rate": 5e-4}, examples, tiny_qwen2_dir, tmp_path)
    assert third["metrics"]["resumed_from_step"] is None and third["metrics"]["global_step"] == 1


def test_bad_spec_key_exits_2_in_one_line(tiny_llama_dir: Path, examples: Path, tmp_path: Path) -> None:
    result = run_cli("train_sft", *_argv({"lr": 1e-4}, examples, tiny_llama_dir, tmp_path), check=False)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith("error: --spec: stage: unknown key(s) ['lr']")
    assert not (tmp_path / "results").exists()


def test_a_gpu_recipe_without_a_gpu_stops_in_one_line(tiny_llama_dir: Path, examples: Path, tmp_path: Path) -> None:
    """gpus: 1 where torch sees none: no silent CPU training."""
    result = run_cli("train_sft", *_argv({"gpus": 1}, examples, tiny_llama_dir, tmp_path), check=False)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith("error: --spec: stage: the job asked for 1 GPU(s) and torch 2.13.0+cpu sees 0")
    assert not (tmp_path / "results").exists()


def test_models_go_to_the_jobs_gpus():
    from styledistill.devices import placement

    assert placement(0) == {} and placement(1) == {"device_map": {"": 0}}
    assert placement(4) == {"device_map": "auto"}


def _fails(argv: list[str], capsys: pytest.CaptureFixture[str], root: Path) -> str:
    assert run(main, argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    results = root / "results"
    assert not (results / "model").exists() and (not results.exists() or not any(results.iterdir()))
    return err


def test_bad_inputs_are_named(tiny_llama_dir: Path, examples: Path, tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    recipe = tmp_path / "fam.yaml"
    recipe.write_text(Path(RECIPE).read_text() + "sequence_packing: true\n")
    err = _fails(_argv({}, examples, tiny_llama_dir, tmp_path, str(recipe)), capsys, tmp_path)
    assert f"{recipe}: unknown key(s) ['sequence_packing']" in err

    err = _fails(_argv({}, tmp_path / "missing.parquet", tiny_llama_dir, tmp_path), capsys, tmp_path)
    assert "missing.parquet: file not found" in err

    bad = tmp_path / "bad.parquet"
    df = pd.read_parquet(examples)
    df.loc[3, "question"] = ""
    df.to_parquet(bad)
    assert "bad.parquet: row 3 (problem_id 'p3'): empty question" in _fails(_argv({}, bad, tiny_llama_dir, tmp_path),
                                                                             capsys, tmp_path)

    assert "not a model directory" in _fails(_argv({}, examples, tmp_path / "nomodel", tmp_path), capsys, tmp_path)

    err = _fails(_argv({"max_length": 8}, examples, tiny_llama_dir, tmp_path), capsys, tmp_path)
    assert err.startswith("error: --spec: stage: key 'max_length': no example of ") and \
        err.endswith("left to train on at 8 tokens: 8 prompt(s) reach it")

    err = _fails(_argv({"optimizer": "adamw_nope"}, examples, tiny_llama_dir, tmp_path), capsys, tmp_path)
    assert err.startswith("error: --spec: stage.optimizer: unknown optimizer 'adamw_nope'")

    err = _fails(_argv({"max_length": 4096}, examples, tiny_llama_dir, tmp_path), capsys, tmp_path)
    assert "key 'max_length': 4096 exceeds the model's max_position_embeddings 2048" in err


def _lengths(model: Path, examples: Path) -> list[int]:
    """Token count of each example as the stage renders it (the tiny recipe: no system prompt, think layout)."""
    from styledistill.io import read_table
    from styledistill.models.loading import load_tokenizer
    from styledistill.sft.data import conversations, encode, end_of_turn_tokens

    tokenizer = load_tokenizer(model, padding_side="right")
    convs = conversations(read_table(examples, "example"), examples, None, "think")
    return [len(encode(tokenizer, c.messages, c.target, 10_000, end_of_turn_tokens(tokenizer))["input_ids"])
            for c in convs]


@pytest.mark.parametrize("overlong", ["drop", "truncate"])
def test_over_length_examples_are_counted_in_the_log_and_the_frozen_recipe(
        overlong: str, tiny_llama_dir: Path, examples: Path, tmp_path: Path) -> None:
    lengths = sorted(_lengths(tiny_llama_dir, examples))
    limit = lengths[len(lengths) // 2]
    over = sum(n > limit for n in lengths)
    assert 0 < over < len(lengths)
    log = _train({"max_steps": 1, "max_length": limit, "overlong": overlong}, examples, tiny_llama_dir, tmp_path)
    counted = log["data"]["dropped_too_long" if overlong == "drop" else "truncated"]
    assert counted == over and log["data"]["examples_kept"] == len(lengths) - (over if overlong == "drop" else 0)
    frozen = tmp_path / "results" / "model" / "recipe.yaml"
    text = frozen.read_text()
    assert f"#   {'dropped_too_long' if overlong == 'drop' else 'truncated'}: {over}\n" in text
    # the frozen recipe is a recipe that lists every key (a recipe file lists only what it changes): training again
    # from it resolves to the same settings
    from styledistill.sft.recipe import RecipeSettings, load_recipe, resolve

    assert set(load_recipe(frozen)) == set(RecipeSettings.model_fields)

    again = resolve(str(frozen), {})
    assert again.values == resolve(RECIPE, {"max_steps": 1, "max_length": limit, "overlong": overlong}).values


def test_the_chunked_loss_trains_as_the_full_one(tiny_qwen2_dir: Path, examples: Path, tmp_path: Path) -> None:
    """The same steps with `loss: chunked` (a few trained tokens per chunk): the same losses, and a saved model
    whose output layer is back under its own name."""
    full = _train({"max_steps": 3}, examples, tiny_qwen2_dir, tmp_path / "full")
    chunked = _train({"max_steps": 3, "loss": "chunked", "loss_chunk_tokens": 7}, examples, tiny_qwen2_dir,
                     tmp_path / "chunked")
    assert _losses(chunked) == pytest.approx(_losses(full), rel=1e-5)
    from safetensors import safe_open

    with safe_open(str(tmp_path / "chunked" / "results" / "model" / "model.safetensors"), "pt") as saved:
        names = set(saved.keys())
    assert not any(".head." in name for name in names) and any(name.startswith("lm_head") or "embed" in name
                                                               for name in names)
