"""A real tiny end-to-end run, then counted reruns after edits (dry runs)."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.workflow.conftest import copy_workflow, planned_jobs, planned_wildcards, snakemake, write_config
from tests.workflow.tiny import VARIANTS, tiny_config

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory, smollm2_dir):
    workdir = copy_workflow(tmp_path_factory.mktemp("tiny") / "wf")
    config = tiny_config(smollm2_dir)
    write_config(workdir, config)
    snakemake(workdir, "--cores", "2")
    return workdir, config


def test_tiny_run_writes_scores_table_and_plot(finished_run):
    workdir, _ = finished_run
    summary = workdir / "results" / "summary"
    scores = pd.read_csv(summary / "scores.csv")
    assert set(scores["family"]) == {"tllama", "tqwen"}
    assert set(scores["variant"]) == {"base", *VARIANTS}
    assert scores["pass@1"].between(0, 100).all()
    table = (summary / "scores.md").read_text()
    assert "| family | benchmark | base | ST | ST-HC | ST-HC-W | ST-NT | SBS |" in table
    assert (summary / "scores.png").stat().st_size > 5_000
    aligned = [pd.read_parquet(workdir / f"results/variants/smol/tiny_train/{v}/train.parquet") for v in VARIANTS]
    assert len({tuple(df["problem_id"]) for df in aligned}) == 1  # every variant covers the same problems
    wrong = aligned[VARIANTS.index("ST-HC-W")]
    assert not wrong["target_correct"].any() and aligned[VARIANTS.index("ST-HC")]["target_correct"].all()


def test_second_run_schedules_nothing(finished_run):
    workdir, _ = finished_run
    assert planned_jobs(workdir) == {}


def test_learning_rate_edit_reruns_exactly_that_family(finished_run, tmp_path):
    workdir, config = finished_run
    edited = {**config, "families": {**config["families"],
                                     "tllama": {**config["families"]["tllama"], "sft": {"learning_rate": 5.0e-4}}}}
    (tmp_path / "edited.yaml").write_text(__import__("yaml").safe_dump(edited))
    counts = planned_jobs(workdir, "--configfile", str(tmp_path / "edited.yaml"))
    assert counts == {"train_sft": len(VARIANTS), "evaluate_sft": len(VARIANTS), "report": 1, "all": 1}
    jobs = planned_wildcards(workdir, "--configfile", str(tmp_path / "edited.yaml"))
    tuned = [wildcards for rule, wildcards in jobs if rule in ("train_sft", "evaluate_sft")]
    assert len(tuned) == 2 * len(VARIANTS) and all("family=tllama" in w for w in tuned)


def test_teacher_shards_merge_and_gpus_are_no_rerun_trigger(finished_run, tmp_path):
    workdir, config = finished_run
    shards = [pd.read_parquet(workdir / f"results/traces/smol/tiny_train/shards/{i}.parquet") for i in range(2)]
    merged = pd.read_parquet(workdir / "results/traces/smol/tiny_train/traces.parquet")
    assert min(map(len, shards)) > 0 and len(merged) == sum(map(len, shards))
    assert not set(shards[0]["problem_id"]) & set(shards[1]["problem_id"])
    teacher = config["teachers"]["smol"]
    edited = {**config, "teachers": {"smol": {**teacher, "generation": {**teacher["generation"], "gpus": 1}}}}
    (tmp_path / "edited.yaml").write_text(__import__("yaml").safe_dump(edited))
    assert planned_jobs(workdir, "--configfile", str(tmp_path / "edited.yaml")) == {}


def test_prompt_edit_reruns_only_its_variant(finished_run):
    workdir, _ = finished_run
    prompt = workdir / "prompts" / "step_by_step.yaml"
    original = prompt.read_text()
    try:
        prompt.write_text(original.replace("Let's think step by step.", "Think step by step, briefly."))
        counts = planned_jobs(workdir)
        assert counts.get("make_variant") == 1 and counts.get("align_variants") == 1
        # Alignment couples the variants (a problem SBS fails on leaves every variant), so SFT jobs follow it; the
        # teacher, grading, ST, features and the other variants' generation do not rerun.
        assert not {"generate_traces", "grade", "build_st", "extract_features", "evaluate_base"} & set(counts)
    finally:
        prompt.write_text(original)
