"""Experiment trackers (transformers' `report_to`): every SFT job reports its training to them, named after its
wildcards, and every evaluation its scores and a table of samples (TensorBoard, MLflow).

Which trackers is an operational choice, not a training one: the config's `tracking` block reaches the jobs through
the environment (`STYLEDISTILL_TRACKING`, set by the workflow's shell prefix), so changing it reruns no job and
discards no checkpoint. Projects and endpoints come from each tracker's own environment variables (WANDB_PROJECT,
MLFLOW_TRACKING_URI, TENSORBOARD_LOGGING_DIR, ...), as the trackers expect.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from styledistill.errors import UserError
from styledistill.settings import Distinct, Field, Settings, Text, one_of

ENV = "STYLEDISTILL_TRACKING"
# transformers' report_to names (integrations.INTEGRATION_TO_CALLBACK) -> the package each needs
TRACKERS = {"azure_ml": "azureml", "clearml": "clearml", "codecarbon": "codecarbon", "comet_ml": "comet_ml",
            "dagshub": "dagshub", "dvclive": "dvclive", "flyte": "flytekit", "kubeflow": "kubeflow",
            "mlflow": "mlflow", "neptune": "neptune", "swanlab": "swanlab", "tensorboard": "tensorboard",
            "trackio": "trackio", "wandb": "wandb"}
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reporting:
    """Where a training job also reports (tracker names) and under which run name."""

    report_to: tuple[str, ...] = ()
    run_name: str | None = None


class TrackingSettings(Settings):
    """Experiment trackers the SFT jobs and the evaluations report to (none by default: the offline demo reports
    nowhere). Changing them reruns nothing."""

    report_to: Annotated[list[Annotated[Text, one_of(TRACKERS, "tracker")]], Distinct] = Field(
        default_factory=list, description="trackers by transformers' names (tensorboard, mlflow, wandb, trackio, ...); "
        "their projects and endpoints from their own environment variables")

    def environment(self) -> str:
        """The value of STYLEDISTILL_TRACKING for the jobs."""
        return json.dumps(self.to_spec(), sort_keys=True)


def from_environment() -> TrackingSettings:
    text = os.environ.get(ENV, "")
    try:
        spec = json.loads(text) if text.strip() else {}
    except json.JSONDecodeError as exc:
        raise UserError(f"{ENV}: not valid JSON: {exc.msg}") from None
    return TrackingSettings.from_spec(spec, ENV)


def check_installed(settings: TrackingSettings) -> None:
    """One line naming the package of a configured tracker that is not installed where the job runs."""
    for name in settings.report_to:
        package = TRACKERS[name]
        if importlib.util.find_spec(package) is None:
            raise UserError(f"tracking.report_to: {name} needs the package {package!r}, which is not installed where "
                            f"this job runs (pip install {package})")


def run_name(output: str | Path, depth: int) -> str:
    """A job's name in the trackers: the wildcards its output path holds (results/<stage>/<w1>/.../<wN>/<file>)."""
    return "/".join(Path(output).parts[-depth - 1:-1])


def training_reporting(settings: TrackingSettings, model_out: str | Path) -> Reporting:
    """A training job's trackers, run name (<family>/<teacher>/<dataset>/<variant>/seed-<n>, from its output path
    results/sft/.../model) and group (<family>/<teacher>/<dataset>: the variants and seeds trained side by side), the
    group set as the trackers read it."""
    name = run_name(model_out, 5)
    group = "/".join(name.split("/")[:3])
    if settings.report_to:
        os.environ.setdefault("WANDB_RUN_GROUP", group)
        tags = json.loads(os.environ.get("MLFLOW_TAGS", "{}"))
        os.environ["MLFLOW_TAGS"] = json.dumps({"group": group, **tags})
    return Reporting(tuple(settings.report_to), name)


def evaluation_run_name(labels: dict[str, Any]) -> str:
    """An evaluation's name in the trackers: its training run's name, then the benchmark (base: family/base/bench)."""
    parts = [str(labels[k]) for k in ("family", "teacher", "dataset", "variant") if labels.get(k)]
    seed = [f"seed-{labels['seed']}"] if labels.get("seed") is not None else []
    return "/".join([*parts, *seed, str(labels["benchmark"])])


def _tensorboard(name: str, scores: dict[str, Any], samples: Any) -> None:
    from torch.utils.tensorboard import SummaryWriter

    from styledistill.markdown import frame

    writer = SummaryWriter(log_dir=str(Path(os.environ.get("TENSORBOARD_LOGGING_DIR", "runs")) / name))
    for key, value in scores.items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            writer.add_scalar(f"eval/{key}", value)
    writer.add_text("eval/samples", frame(samples))
    writer.close()


def _mlflow(name: str, scores: dict[str, Any], samples: Any) -> None:
    import mlflow

    with mlflow.start_run(run_name=name):
        # MLflow names allow letters, digits, _ - . : / and spaces: pass@1 becomes pass_at_1
        mlflow.log_metrics({re.sub(r"[^\w\-.:/ ]", "_", k.replace("@", "_at_")): float(v) for k, v in scores.items()
                            if isinstance(v, int | float) and not isinstance(v, bool)})
        mlflow.log_table(data=samples, artifact_file="samples.json")


# trackers an evaluation reports its scores to; the others get the training only
EVALUATION_LOGGERS: dict[str, Callable[[str, dict[str, Any], Any], None]] = {"tensorboard": _tensorboard,
                                                                              "mlflow": _mlflow}


def log_evaluation(settings: TrackingSettings, name: str, scores: dict[str, Any], samples: Any) -> None:
    """An evaluation's scores and a table of its samples, to every configured tracker that takes them."""
    for tracker in settings.report_to:
        logger = EVALUATION_LOGGERS.get(tracker)
        if logger is None:
            log.warning("tracking: %s gets the training logs only (evaluation scores go to %s)", tracker,
                        ", ".join(EVALUATION_LOGGERS))
            continue
        logger(name, scores, samples)
