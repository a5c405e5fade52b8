"""Recipe loading and merging: defaults from the file, spec on top, every bad key named with its source."""

from __future__ import annotations

from pathlib import Path

import pytest

from styledistill.errors import UserError
from styledistill.sft.recipe import (
    RecipeSettings,
    launch_processes,
    launcher,
    load_recipe,
    markdown,
    merge,
    resolve,
)

KEYS = list(RecipeSettings.model_fields)

REPO = Path(__file__).resolve().parents[2]
RECIPES = REPO / "recipes" / "sft"


@pytest.mark.parametrize("name", sorted(p.stem for p in RECIPES.glob("*.yaml")))
def test_shipped_recipes_list_only_what_differs_from_the_defaults(name: str) -> None:
    recipe = resolve(RECIPES / f"{name}.yaml", {})
    assert set(recipe.values) == set(KEYS)
    listed = load_recipe(RECIPES / f"{name}.yaml")
    assert all(recipe.origin[key] == str(RECIPES / f"{name}.yaml") for key in listed)
    same = [key for key, value in listed.items() if value == RecipeSettings.model_fields[key].default]
    assert not same, f"{name}.yaml restates default(s) {same}"


def test_shipped_values() -> None:
    smol = resolve(RECIPES / "smollm2.yaml", {})
    keys = ("learning_rate", "epochs", "per_device_batch_size", "max_length")
    assert tuple(smol[k] for k in keys) == (5e-5, 1, 4, 384)
    assert (smol["lr_scheduler"], smol["optimizer"], smol["deepspeed"]) == ("cosine", "adamw_torch", None)
    tiny = resolve(RECIPES / "tiny.yaml", {})
    assert tuple(tiny[k] for k in keys) == (1e-3, 2, 4, 256)


def test_spec_overrides_recipe() -> None:
    spec = {"learning_rate": 2e-4, "max_steps": 3, "system_prompt": "Be brief."}
    recipe = resolve(RECIPES / "tiny.yaml", spec)
    assert recipe["learning_rate"] == 2e-4 and recipe.origin["learning_rate"] == "--spec: stage"
    assert recipe["max_steps"] == 3 and recipe["system_prompt"] == "Be brief."
    assert recipe["epochs"] == 2.0 and recipe.origin["epochs"].endswith("tiny.yaml")
    assert "version" not in recipe.values


def test_unknown_key_in_spec_names_key_and_spec() -> None:
    allowed = r"\(allowed: system_prompt, learning_rate"
    with pytest.raises(UserError, match=r"^--spec: stage: unknown key\(s\) \['lr'\] " + allowed):
        resolve(RECIPES / "tiny.yaml", {"lr": 1e-4})


def test_unknown_key_in_recipe_names_key_and_file(tmp_path: Path) -> None:
    path = tmp_path / "fam.yaml"
    path.write_text((RECIPES / "tiny.yaml").read_text() + "\nwarmup_steps: 10\n")
    with pytest.raises(UserError, match=rf"^{path}: unknown key\(s\) \['warmup_steps'\]"):
        resolve(path, {})


def test_a_recipe_of_one_key_takes_every_other_default(tmp_path: Path) -> None:
    path = tmp_path / "fam.yaml"
    path.write_text("learning_rate: 1.0e-4\n")
    recipe = resolve(path, {})
    assert recipe["learning_rate"] == 1e-4 and recipe["epochs"] == RecipeSettings.model_fields["epochs"].default
    assert recipe.values == {**RecipeSettings().to_spec(), "learning_rate": 1e-4}


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"per_device_batch_size": 2.5}, "per_device_batch_size: Input should be a valid integer"),
        ({"per_device_batch_size": True}, "per_device_batch_size: Input should be a valid integer"),
        ({"learning_rate": "fast"}, "learning_rate: Input should be a valid number"),
        ({"learning_rate": 0}, "learning_rate: Input should be greater than 0"),
        ({"warmup_ratio": 1.0}, "warmup_ratio: Input should be less than 1"),
        ({"dtype": "float16"}, "dtype: Input should be 'auto', 'float32' or 'bfloat16'"),
        ({"epochs": None}, "epochs: Input should be a valid number"),
        ({"max_steps": 0}, "max_steps: Input should be greater than or equal to 1"),
    ],
)
def test_bad_values_fail_in_one_line(spec: dict, message: str) -> None:
    with pytest.raises(UserError, match=rf"^--spec: stage\.{message}") as info:
        resolve(RECIPES / "tiny.yaml", spec)
    assert "\n" not in str(info.value)


def test_yaml_exponent_without_dot_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "fam.yaml"
    path.write_text((RECIPES / "tiny.yaml").read_text().replace("learning_rate: 1.0e-3", "learning_rate: 1e-3"))
    assert resolve(path, {})["learning_rate"] == 1e-3


def test_bad_files(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="recipe file not found"):
        load_recipe(tmp_path / "absent.yaml")
    (tmp_path / "list.yaml").write_text("- a\n- b\n")
    with pytest.raises(UserError, match="must be a mapping"):
        load_recipe(tmp_path / "list.yaml")
    (tmp_path / "broken.yaml").write_text("a: [\n")
    with pytest.raises(UserError, match="not valid YAML"):
        load_recipe(tmp_path / "broken.yaml")


def test_fingerprint_ignores_cadence_and_max_steps_only() -> None:
    base = merge(load_recipe(RECIPES / "tiny.yaml"), {}, "tiny.yaml").fingerprint()
    same = merge(load_recipe(RECIPES / "tiny.yaml"), {"max_steps": 9, "save_steps": 1, "logging_steps": 3,
                                                       "save_total_limit": 5}, "tiny.yaml").fingerprint()
    other = merge(load_recipe(RECIPES / "tiny.yaml"), {"learning_rate": 5e-4}, "tiny.yaml").fingerprint()
    assert base == same != other



def test_fingerprint_follows_the_contents_of_the_files_a_recipe_names(tmp_path: Path) -> None:
    """A DeepSpeed config edited between a kill and the rerun: the old checkpoints are not resumed from."""
    config = tmp_path / "ds.json"
    config.write_text('{"zero_optimization": {"stage": 2}}')
    recipe = merge(load_recipe(RECIPES / "tiny.yaml"), {"deepspeed": str(config)}, "tiny.yaml")
    before = recipe.fingerprint()
    config.write_text('{"zero_optimization": {"stage": 3}}')
    assert recipe.fingerprint() != before and recipe.files() == [str(config)]


@pytest.mark.parametrize("name", ["llama3.2-3b", "ministral-8b", "qwen2.5-32b"])
def test_paper_recipes_launch_one_process_per_gpu(name: str) -> None:
    recipe = resolve(RECIPES / f"{name}.yaml", {})
    assert launch_processes(recipe) == recipe["gpus"] == 8
    assert launcher(recipe) == ["torchrun", "--standalone", "--nnodes", "1", "--nproc-per-node", "8", "-m"]
    assert launcher(resolve(RECIPES / f"{name}.yaml", {"gpus": 0, "deepspeed": None})) == ["python", "-m"]


def test_readme_lists_every_key() -> None:
    assert markdown() in (REPO / "recipes" / "README.md").read_text()


def test_scheduler_and_optimizer_names_match_transformers() -> None:
    pytest.importorskip("transformers")
    from transformers.trainer_utils import SchedulerType
    from transformers.training_args import OptimizerNames

    from styledistill.sft.hf_names import OPTIMIZERS, SCHEDULERS

    assert SCHEDULERS == tuple(s.value for s in SchedulerType)
    assert OPTIMIZERS == tuple(o.value for o in OptimizerNames)
    with pytest.raises(UserError, match=r"^--spec: stage.lr_scheduler: unknown scheduler 'cosine_annealing'"):
        resolve(RECIPES / "tiny.yaml", {"lr_scheduler": "cosine_annealing"})


def test_the_scheduler_arguments_are_the_installed_schedulers():
    import inspect

    from transformers.optimization import TYPE_TO_SCHEDULER_FUNCTION
    from transformers.trainer_utils import SchedulerType

    from styledistill.sft.hf_names import SCHEDULER_KWARGS

    assert set(SCHEDULER_KWARGS) == {s.value for s in SchedulerType}
    common = {"optimizer", "num_warmup_steps", "num_training_steps", "last_epoch", "kwargs"}
    for name, takes in SCHEDULER_KWARGS.items():
        if name != "reduce_lr_on_plateau":  # its arguments go on to torch's ReduceLROnPlateau
            found = set(inspect.signature(TYPE_TO_SCHEDULER_FUNCTION[SchedulerType(name)]).parameters) - common
            assert set(takes) == found, name


def test_scheduler_arguments_and_clipping_reach_the_trainer(tmp_path):
    import torch

    from styledistill.sft.train import training_arguments
    from styledistill.tracking import Reporting

    recipe = resolve("recipes/sft/tiny.yaml", {"lr_scheduler": "cosine_with_min_lr", "max_grad_norm": 0.5,
                                                "lr_scheduler_kwargs": {"min_lr_rate": 0.1}})
    args = training_arguments(recipe, tmp_path, torch.float32, Reporting())
    assert args.max_grad_norm == 0.5 and args.lr_scheduler_kwargs == {"min_lr_rate": 0.1}
    with pytest.raises(UserError, match=r"^--spec: stage: lr_scheduler_kwargs: \['min_lr_rate'\] not taken by "
                                        r"scheduler cosine \(it takes: num_cycles\)"):
        resolve("recipes/sft/tiny.yaml", {"lr_scheduler_kwargs": {"min_lr_rate": 0.1}})
    with pytest.raises(UserError, match=r"^--spec: stage: lr_scheduler: cosine_with_min_lr needs min_lr or"):
        resolve("recipes/sft/tiny.yaml", {"lr_scheduler": "cosine_with_min_lr"})
