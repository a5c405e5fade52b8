"""Lint, dry runs and config errors: Snakemake plans the study without running a job."""

from __future__ import annotations

from tests.workflow.conftest import default_config, planned_jobs, snakemake, write_config


def test_lint_is_clean(workdir):
    result = snakemake(workdir, "--lint", check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Lints for" not in result.stdout + result.stderr


def test_dry_run_plans_the_whole_study(workdir):
    counts = planned_jobs(workdir)
    n_variants = len(default_config()["study"]["variants"])
    assert counts == {
        "all": 1, "prepare_model": 1, "make_problems": 2, "generate_traces": 1, "grade": 1, "build_st": 1,
        "extract_features": 1, "make_variant": n_variants, "align_variants": 1, "train_sft": n_variants,
        "evaluate_base": 1, "evaluate_sft": n_variants, "report": 1,
    }


def test_config_typo_is_one_line_before_any_job(workdir):
    config = default_config()
    config["families"]["smollm2"]["lerning_rate"] = 1e-4
    write_config(workdir, config)
    result = snakemake(workdir, "-n", check=False)
    assert result.returncode != 0
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert lines == ["config: families.smollm2: unknown key(s) ['lerning_rate'] (allowed: answer_marker, generation, "
                     "model, recipe, sft, system_prompt, threads)"]
    assert not (workdir / "results").exists()


def test_dangling_reference_is_one_line(workdir):
    config = default_config()
    config["benchmarks"]["arith_test"]["dataset"] = "math501"
    write_config(workdir, config)
    result = snakemake(workdir, "-n", check=False)
    assert result.returncode != 0
    assert (result.stdout + result.stderr).strip().splitlines() == [
        "config: benchmarks.arith_test.dataset: 'math501' is not a key of datasets (known: arith_test, arith_train)"
    ]
