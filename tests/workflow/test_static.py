"""Lint, dry runs and config errors: Snakemake plans the study without running a job."""

from __future__ import annotations

import json
import re
import shlex

import yaml

from styledistill.rules import RULES
from tests.conftest import REPO
from tests.workflow.conftest import default_config, model_teacher_config, planned_jobs, snakemake, write_config


def test_lint_is_clean(workdir):
    result = snakemake(workdir, "--lint", check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Lints for" not in result.stdout + result.stderr


def test_dry_run_plans_the_whole_study(workdir):
    counts = planned_jobs(workdir)
    n_variants = len(default_config()["study"]["variants"])
    # Selecting each variant's problems and training on them wait for the alignment checkpoint: a dry run of a fresh
    # study lists the jobs around them (evaluate_sft, publish_variant) with the checkpoint as their input.
    assert counts == {
        "all": 1, "prepare_model": 1, "make_problems": 2, "decontaminate": 1, "simulate_traces": 1,
        "grade": 1,
        "build_st": 1,
        "extract_features": 1, "make_variant": n_variants, "align_variants": 1,
        "publish_variant": n_variants, "compare_variants": 1,
        "evaluate_base": 1, "evaluate_sft": n_variants, "measure_student_style": n_variants,
        "measure_base_style": 1, "evaluate_prompted": 1, "evaluate_styled": 1, "report": 1,
    }


def test_the_embedded_model_is_the_teacher_with_its_overlay(workdir):
    counts = planned_jobs(workdir, "--configfile", "experiments/embedded_teacher.yaml")
    assert counts["generate_traces"] == 1 and counts["merge_traces"] == 1 and "simulate_traces" not in counts
    assert counts["prepare_model"] == 1  # teacher, generator and student: one model
    printed = snakemake(workdir, "-n", "-p", "--configfile", "experiments/embedded_teacher.yaml").stdout
    assert "results/traces/smollm2/arith_train/traces.parquet" in printed


def test_config_typo_is_one_line_before_any_job(workdir):
    config = default_config()
    config["families"]["smollm2"]["lerning_rate"] = 1e-4
    write_config(workdir, config)
    result = snakemake(workdir, "-n", check=False)
    assert result.returncode != 0
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert lines == ["config: families.smollm2: unknown key(s) ['lerning_rate'] (allowed: model, recipe, sft, "
                     "generation, threads, answer_marker)"]
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


def _arg(command: str, name: str) -> str:
    words = shlex.split(command)
    return words[words.index(name) + 1]


def test_shards_are_parallel_jobs_with_the_gpus_of_their_backend(workdir):
    """A teacher's shards and a benchmark's: one GPU job per shard; a benchmark's evaluate job joins its shards'
    answers and holds no GPU."""
    config = model_teacher_config()
    config["teachers"]["smollm2"].update(shards=3, generation={"backend": "vllm", "gpus": 2})
    config["families"]["smollm2"]["generation"] = {"gpus": 1}
    config["benchmarks"]["arith_test"]["shards"] = 2
    write_config(workdir, config)
    counts = planned_jobs(workdir)
    assert counts["generate_traces"] == 3 and counts["merge_traces"] == 1
    assert counts["answer_base"] == 2 and counts["evaluate_base"] == 1
    printed = snakemake(workdir, "-n", "-p").stdout
    answers = [c for c in printed.splitlines() if "styledistill.cli.evaluate answer" in c and "/base/" in c]
    assert len(answers) == 2 and all("--gpus 1" in c for c in answers)
    assert sorted(json.loads(_arg(c, "--spec"))["stage"]["shard"] for c in answers) == [0, 1]
    assert {json.loads(_arg(c, "--spec"))["version"] for c in answers} == {RULES["answer_base"].version}
    tuned = [c for c in printed.splitlines() if "styledistill.cli.evaluate answer" in c and "/seed-" in c]
    assert tuned and {json.loads(_arg(c, "--spec"))["version"] for c in tuned} == {RULES["answer_sft"].version}
    scoring = [c for c in printed.splitlines() if "styledistill.cli.evaluate score" in c and "/base/" in c]
    assert len(scoring) == 1 and "--gpus 0" in scoring[0] and "shards/0.parquet" in scoring[0]
    commands = [line for line in printed.splitlines()
                if "styledistill.cli.generate_traces generate" in line]
    assert len(commands) == 3 and all("--gpus 2" in c for c in commands)
    specs = [json.loads(_arg(c, "--spec")) for c in commands]
    assert sorted(s["stage"]["shard"] for s in specs) == [0, 1, 2] and {s["stage"]["shards"] for s in specs} == {3}
    # Only the backend's own keys: a resource or another backend's setting is no reason to rerun.
    generation = [s["generation"] for s in specs]
    assert all(g["backend"] == "vllm" and "gpus" not in g and "batch_size" not in g for g in generation)


def test_a_token_matched_control_reads_its_budget_variant(workdir):
    config = default_config()
    config["study"]["variants"] = ["ST", "ST-HC", "ST-TM", "ST-MM"]
    write_config(workdir, config)
    printed = snakemake(workdir, "-n", "-p").stdout
    command = next(line for line in printed.splitlines() if "--variant ST-TM" in line)
    assert "--budget results/variants/simulated_r1/arith_train/raw/ST-HC.parquet" in command


def test_an_api_generator_needs_no_model_directory(workdir):
    config = default_config()
    config["models"]["gpt4o"] = {"source": "api", "provider": "openai/gpt-4o", "api_key_env": "OPENAI_API_KEY"}
    config["generators"]["smollm2"].update(model="gpt4o", generation={"backend": "litellm", "budget_usd": 2.5})
    write_config(workdir, config)
    commands = [line for line in snakemake(workdir, "-n", "-p").stdout.splitlines()
                if "build_variants" in line and " make " in line and "--prompt" in line]
    assert commands and all("--model" not in c and "openai/gpt-4o" in c for c in commands)


def test_pivot_discovery_is_an_optional_rule(workdir):
    config = default_config()
    assert "discover_pivots" not in planned_jobs(workdir)
    config["features"]["discover"] = {"reference": "answers", "top": 50}
    write_config(workdir, config)
    assert planned_jobs(workdir)["discover_pivots"] == 1
    command = next(line for line in snakemake(workdir, "-n", "-p").stdout.splitlines()
                   if "extract_features discover" in line)
    assert json.loads(_arg(command, "--spec"))["stage"]["top"] == 50
    assert json.loads(_arg(command, "--spec"))["version"] == RULES["discover_pivots"].version
    config["features"]["discover"] = {"reference": "missing.jsonl"}
    write_config(workdir, config)
    result = snakemake(workdir, "-n", check=False)
    assert result.returncode != 0
    assert "config: features.discover.reference: file not found: missing.jsonl" in result.stdout + result.stderr


def test_every_job_declares_threads_memory_and_time_from_config(workdir):
    """A dry run prints each job's resources: every job has mem_mb and runtime (config `resources`, defaults per
    rule in config/resources.py), a config override reaches its rule only, and the API resource is declared."""
    config = default_config()
    config["resources"] = {"rules": {"evaluate_base": {"mem_mb": 123456, "runtime": 4321}}}
    write_config(workdir, config)
    out = snakemake(workdir, "-n").stdout
    jobs = out.split("\nrule ")[1:]
    assert len(jobs) > 20
    for job in jobs:
        name = job.split(":", 1)[0]
        if name == "all":
            continue
        resources = next(line for line in job.splitlines() if line.strip().startswith("resources:"))
        assert "mem_mb=" in resources and "runtime=" in resources, (name, resources)
        assert ("mem_mb=123456" in resources) == (name == "evaluate_base"), (name, resources)
        if name in ("generate_traces", "make_variant"):
            assert "api=0" in resources, resources  # the embedded model calls no API


def test_rules_files_declare_threads_and_resources():
    from tests.conftest import REPO

    for path in sorted((REPO / "workflow" / "rules").glob("*.smk")):
        text = path.read_text()
        for block in text.split("\nrule ")[1:] + text.split("\ncheckpoint ")[1:]:
            name = block.split(":", 1)[0]
            assert "    threads:" in block, f"{path.name}: rule {name} declares no threads"
            sized = "wiring.prepare_resources(STUDY, w.model, attempt)" in block  # config, above the model's size
            assert sized or (f'mem_mb=mem_mb("{name}")' in block and f'runtime=runtime("{name}")' in block), \
                f"{path.name}: rule {name} takes no mem_mb/runtime from config"


def test_the_paper_config_validates_and_dry_runs(workdir):
    """experiments/paper.yaml: R1 traces imported, GPT-4o / GPT-4o-mini generators, the paper's three families on 8
    GPUs, all variants and ablations, MATH-500 / AIME24 / GPQA-Diamond; planned without a key, a GPU or the hub."""
    counts = planned_jobs(workdir, "--configfile", "experiments/paper.yaml")
    families, variants, benchmarks = 3, 8, 3
    assert counts["evaluate_base"] == families * benchmarks
    assert counts["evaluate_sft"] == families * variants * benchmarks
    assert counts["measure_student_style"] == families * variants * benchmarks
    assert counts["measure_base_style"] == families * benchmarks
    assert counts["import_traces"] == 1 and "generate_traces" not in counts  # R1's own traces, imported
    assert counts["make_variant"] == variants and counts["prepare_model"] == 3
    assert counts["download_model"] == 3  # the hub models' files, fetched before prepare_model reads them offline
    assert counts["evaluate_prompted"] == counts["evaluate_styled"] == 1  # GPT-4o on MATH-500, plainly and styled
    printed = snakemake(workdir, "-n", "--configfile", "experiments/paper.yaml").stdout
    downloads = [c for c in snakemake(workdir, "-n", "-p", "--configfile", "experiments/paper.yaml").stdout
                 .splitlines() if "styledistill.cli.download_model" in c]
    assert len(downloads) == 3
    assert {json.loads(_arg(c, "--spec"))["version"] for c in downloads} == {RULES["download_model"].version}
    assert "gpu=1" in printed and "api=1" in printed  # vLLM evaluation on a GPU; the API jobs take the api resource
    # preparing a model asks for what its size needs: Qwen2.5-32B (65 GB of bf16 weights) far above the default
    prepared = {block.split("wildcards: model=")[1].split()[0]: block
                for block in printed.split("rule prepare_model:")[1:]}
    memory = {model: int(re.search(r"mem_mb=(\d+)", block).group(1)) for model, block in prepared.items()}
    assert memory["qwen2.5-32b"] >= 100_000 and memory["llama3.2-3b"] >= 16_000
    assert memory["qwen2.5-32b"] > 4 * memory["llama3.2-3b"]


LOCAL_RULES = """
from pathlib import Path
from snakemake.api import SnakemakeApi
from snakemake.settings.types import ConfigSettings, OutputSettings, ResourceSettings
files = [Path("config.yaml"), Path("experiments/paper.yaml")]
with SnakemakeApi(OutputSettings()) as api:
    workflow = api.workflow(resource_settings=ResourceSettings(cores=1), snakefile=Path("Snakefile"),
                            config_settings=ConfigSettings(configfiles=files))
    print(" ".join(sorted(workflow._workflow._localrules)))
"""


def test_the_paper_config_downloads_and_calls_apis_on_the_submitting_host(workdir):
    """Compute nodes often have no internet: the paper overlay runs the jobs that reach the hub or a paid API as
    Snakemake local rules (on the host that submits); the heavy ones (prepare_model, training) stay on the nodes."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", LOCAL_RULES], cwd=workdir, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    local = set(result.stdout.split())
    assert local == {"download_model", "make_problems", "generate_traces", "make_variant", "evaluate_prompted",
                     "evaluate_styled"}  # the prompted baseline is GPT-4o


def test_an_imported_teacher_passes_its_rules_version(workdir, shared_data):
    from tests.workflow.test_imported_teacher import SHARED, _config

    write_config(workdir, _config(shared_data / SHARED))
    command = next(line for line in snakemake(workdir, "-n", "-p").stdout.splitlines()
                   if "styledistill.cli.import_traces" in line)
    assert json.loads(_arg(command, "--spec"))["version"] == RULES["import_traces"].version


def test_a_simulated_teacher_passes_its_rules_version(workdir):
    """The default study's teacher is simulated."""
    command = next(line for line in snakemake(workdir, "-n", "-p").stdout.splitlines()
                   if "styledistill.cli.simulate_traces" in line)
    assert json.loads(_arg(command, "--spec"))["version"] == RULES["simulate_traces"].version


def test_the_slurm_profile_keeps_a_training_job_on_one_node():
    """torchrun --standalone is single-node: the profile asks SLURM for one node per SFT job (sbatch --nodes=1)."""
    profile = yaml.safe_load((REPO / "profiles" / "slurm" / "config.yaml").read_text())
    assert profile["set-resources"]["train_sft"]["nodes"] == 1
