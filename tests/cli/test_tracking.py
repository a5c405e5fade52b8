"""Experiment trackers, read back offline: a tiny SFT run reports to TensorBoard (event files), an evaluation its
scores; a tracker whose package is missing is one line at job start, an unknown one a settings error."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from styledistill.errors import UserError
from styledistill.tracking import (
    ENV,
    Reporting,
    TrackingSettings,
    check_installed,
    evaluation_run_name,
    from_environment,
    log_evaluation,
    training_reporting,
)
from tests.cli.test_train_sft import _argv, _losses
from tests.conftest import REPO


def _events(directory: Path) -> object:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    files = sorted(directory.rglob("events.out.tfevents*"))
    assert files, f"no event file under {directory}"
    accumulator = EventAccumulator(str(files[0].parent))
    accumulator.Reload()
    return accumulator


def test_a_training_reports_to_tensorboard_what_its_log_holds_and_resumes_without_it(tiny_llama_dir, examples,
                                                                                      tmp_path):
    pytest.importorskip("tensorboard")

    def train(max_steps: int, env: dict[str, str]) -> dict:
        spec = {"max_steps": max_steps, "save_steps": 1, "keep_checkpoints": True}
        argv = [sys.executable, "-m", "styledistill.cli.train_sft", *_argv(spec, examples, tiny_llama_dir, tmp_path)]
        result = subprocess.run(argv, cwd=REPO, env={**os.environ, **env}, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr[-3000:]
        return json.loads((tmp_path / "results" / "model" / "train_log.json").read_text())

    log = train(2, {ENV: json.dumps({"report_to": ["tensorboard"]}), "TENSORBOARD_LOGGING_DIR": str(tmp_path / "tb")})
    logged = [event.value for event in _events(tmp_path / "tb").Scalars("train/loss")]
    assert len(logged) == 2 and logged == pytest.approx(_losses(log), rel=1e-5)
    # the tracker is not part of the resume fingerprint: without it, the same run goes on from its checkpoint
    shutil.rmtree(tmp_path / "results")
    again = train(3, {ENV: ""})
    assert again["metrics"]["resumed_from_step"] == 2 and again["metrics"]["global_step"] == 3


def test_evaluation_scores_and_samples_go_to_tensorboard(tmp_path, monkeypatch):
    pytest.importorskip("tensorboard")
    monkeypatch.setenv("TENSORBOARD_LOGGING_DIR", str(tmp_path / "tb"))
    samples = pd.DataFrame({"problem_id": ["p1"], "sample": [0], "answer_text": ["7"], "gold": ["7"],
                            "correct": [True]})
    log_evaluation(TrackingSettings(report_to=["tensorboard"]), "tllama/base/tiny_test",
                   {"pass@1": 62.5, "n_problems": 8, "family": "tllama"}, samples)
    events = _events(tmp_path / "tb" / "tllama")
    assert [event.value for event in events.Scalars("eval/pass@1")] == [62.5]


def test_a_missing_tracker_package_is_one_line_naming_it(monkeypatch):
    monkeypatch.setenv(ENV, json.dumps({"report_to": ["wandb"]}))
    if __import__("importlib").util.find_spec("wandb") is not None:
        pytest.skip("wandb is installed here")
    with pytest.raises(UserError, match=r"^tracking.report_to: wandb needs the package 'wandb', which is not "):
        check_installed(from_environment())


def test_an_unknown_tracker_is_refused():
    with pytest.raises(UserError, match=r"report_to.0: unknown tracker 'tensorbored' \(one of"):
        TrackingSettings.from_spec({"report_to": ["tensorbored"]}, "config: tracking")


def test_run_names_and_group_come_from_the_wildcards(monkeypatch):
    monkeypatch.delenv("WANDB_RUN_GROUP", raising=False)
    monkeypatch.setenv("MLFLOW_TAGS", json.dumps({"lab": "x"}))
    settings = TrackingSettings(report_to=["wandb", "mlflow"])
    reporting = training_reporting(settings, "results/sft/smollm2/embedded/math/ST-HC/seed-1/model")
    assert reporting == Reporting(("wandb", "mlflow"), "smollm2/embedded/math/ST-HC/seed-1")
    assert os.environ["WANDB_RUN_GROUP"] == "smollm2/embedded/math"
    assert json.loads(os.environ["MLFLOW_TAGS"]) == {"group": "smollm2/embedded/math", "lab": "x"}
    labels = {"family": "smollm2", "benchmark": "gsm8k", "variant": "ST", "teacher": "embedded", "dataset": "math",
              "seed": 0}
    assert evaluation_run_name(labels) == "smollm2/embedded/math/ST/seed-0/gsm8k"
    base = {"family": "smollm2", "benchmark": "gsm8k", "variant": "base", "teacher": "", "dataset": ""}
    assert evaluation_run_name(base) == "smollm2/base/gsm8k"


def test_no_tracker_sets_no_tracker_environment(monkeypatch):
    monkeypatch.delenv("WANDB_RUN_GROUP", raising=False)
    reporting = training_reporting(TrackingSettings(), "results/sft/f/t/d/ST/seed-0/model")
    assert reporting == Reporting((), "f/t/d/ST/seed-0")
    assert "WANDB_RUN_GROUP" not in os.environ


def test_a_training_and_an_evaluation_report_to_a_local_mlflow_store(tiny_llama_dir, examples, tmp_path, monkeypatch):
    pytest.importorskip("mlflow")
    store = {"MLFLOW_TRACKING_URI": f"file://{tmp_path / 'mlruns'}", "MLFLOW_ALLOW_FILE_STORE": "true"}
    for key, value in store.items():
        monkeypatch.setenv(key, value)
    out = tmp_path / "results" / "sft" / "tllama" / "embedded" / "math" / "ST-HC" / "seed-0" / "model"
    argv = [sys.executable, "-m", "styledistill.cli.train_sft", *_argv({"max_steps": 2}, examples, tiny_llama_dir,
                                                                       tmp_path)]
    argv[argv.index("--out") + 1] = str(out)
    env = {**os.environ, ENV: json.dumps({"report_to": ["mlflow"]})}
    result = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    log_evaluation(TrackingSettings(report_to=["mlflow"]), "tllama/embedded/math/ST-HC/seed-0/gsm8k",
                   {"pass@1": 25.0, "n_problems": 4}, pd.DataFrame({"problem_id": ["p1"], "correct": [False]}))

    import mlflow

    runs = mlflow.search_runs(search_all_experiments=True).set_index("tags.mlflow.runName")
    training = runs.loc["tllama/embedded/math/ST-HC/seed-0"]
    assert training["tags.group"] == "tllama/embedded/math"
    history = mlflow.MlflowClient().get_metric_history(training["run_id"], "loss")
    log = json.loads((out / "train_log.json").read_text())
    assert [m.value for m in sorted(history, key=lambda m: m.step)] == pytest.approx(_losses(log), rel=1e-5)
    assert runs.loc["tllama/embedded/math/ST-HC/seed-0/gsm8k", "metrics.pass_at_1"] == 25.0
    assert list((tmp_path / "mlruns").rglob("samples.json"))
