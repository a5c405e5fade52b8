# Config validation, wildcard constraints and the helpers every rule uses.
# Library code never reads config.yaml: each rule passes its job's slice as one sorted JSON string (spec_json).

import json
import re
import sys
from pathlib import Path

# Jobs import the stage code from this checkout, whichever environment (venv, --sdm conda, SLURM) runs them.
_SRC = str(Path(workflow.basedir) / "src")
sys.path.insert(0, _SRC)
shell.prefix(f'set -euo pipefail; export PYTHONPATH="{_SRC}${{{{PYTHONPATH:+:$PYTHONPATH}}}}"; ')  # formatted twice

from styledistill.configcheck import check
from styledistill.errors import UserError
from styledistill.generation.jobs import backend_settings
from styledistill.versions import version

try:
    check(config, Path(workflow.basedir) / "workflow" / "schemas" / "config.schema.yaml")
except UserError as exc:
    print(exc, file=sys.stderr)
    sys.exit(1)

STUDY = config["study"]


def _alternatives(keys):
    return "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True)) or "(?!)"


wildcard_constraints:
    model=_alternatives(config["models"]),
    dataset=_alternatives(config["datasets"]),
    teacher=_alternatives(config["teachers"]),
    variant=_alternatives(config["variants"]),
    family=_alternatives(config["families"]),
    benchmark=_alternatives(config["benchmarks"]),
    shard=r"\d+",


def spec_json(stage, **settings):
    """One params value per job: its settings plus the stage version, so either change reruns the job."""
    return json.dumps({"version": version(stage), **settings}, sort_keys=True)


def model_dir(key):
    return f"results/models/{key}"


def model_input(key):
    """The prepared model directory a job reads; none for an API model."""
    return [] if config["models"][key]["source"] == "api" else model_dir(key)


def generation_spec(model_key, generation):
    """A job's generation settings: only its backend's keys, plus the provider of an API model."""
    settings = backend_settings(generation)
    model = config["models"][model_key]
    if model["source"] != "api":
        return settings
    provider = {"model": model["provider"], "api_base": model["api_base"], "api_key_env": model["api_key_env"],
                "prices": model["prices"]}
    return {**settings, **provider}


def problems_file(dataset):
    return f"results/problems/{dataset}/problems.parquet"


def teacher_cfg(wildcards):
    return config["teachers"][wildcards.teacher]


def family_cfg(wildcards):
    return config["families"][wildcards.family]


def variant_cfg(wildcards):
    return config["variants"][wildcards.variant]


def generator_cfg(wildcards):
    return config["generators"][variant_cfg(wildcards)["generator"]]


def _eval_settings(wildcards):
    """A family's generation block, overridden by the benchmark's."""
    return {**family_cfg(wildcards)["generation"], **config["benchmarks"][wildcards.benchmark]["generation"]}


def eval_generation(wildcards):
    return generation_spec(family_cfg(wildcards)["model"], _eval_settings(wildcards))


def eval_gpus(wildcards):
    return _eval_settings(wildcards)["gpus"]


def generator_gpus(wildcards):
    return generator_cfg(wildcards)["generation"]["gpus"] if "generator" in variant_cfg(wildcards) else 0


def sft_model_dir(family, teacher, dataset, variant):
    return f"results/sft/{family}/{teacher}/{dataset}/{variant}/model"


def all_scores():
    base = expand("results/eval/{family}/base/{benchmark}/scores.json",
                  family=STUDY["families"], benchmark=STUDY["benchmarks"])
    tuned = expand("results/eval/{family}/{teacher}/{dataset}/{variant}/{benchmark}/scores.json",
                   family=STUDY["families"], teacher=STUDY["teachers"], dataset=STUDY["datasets"],
                   variant=STUDY["variants"], benchmark=STUDY["benchmarks"])
    return base + tuned


# --- used by models.smk

def _tokenizer_source(wildcards):
    model = config["models"][wildcards.model]
    return [model_dir(model["tokenizer_from"])] if model["source"] == "random" else []


def _model_spec(wildcards):
    spec = {k: v for k, v in config["models"][wildcards.model].items() if k != "tokenizer_from"}
    return spec_json("prepare_model", **spec)


# --- used by problems.smk

def _dataset_files(wildcards):
    dataset = config["datasets"][wildcards.dataset]
    return [dataset["path"]] if dataset["source"] == "jsonl" else []


# --- used by traces.smk

def _teacher_spec(wildcards):
    teacher = teacher_cfg(wildcards)
    return spec_json("generate_traces", n_samples=teacher["n_samples"], answer_marker=teacher["answer_marker"],
                     limit=teacher["limit"], shard=int(wildcards.shard), shards=teacher["shards"],
                     **generation_spec(teacher["model"], teacher["generation"]))


def _trace_shards(wildcards):
    shards = teacher_cfg(wildcards)["shards"]
    return expand("results/traces/{teacher}/{dataset}/shards/{shard}.parquet", teacher=wildcards.teacher,
                  dataset=wildcards.dataset, shard=range(shards))


# --- used by features.smk

def _features_spec(wildcards):
    settings = {k: v for k, v in config["features"].items() if k != "threads"}
    return spec_json("extract_features", **settings)


# --- used by variants.smk

def _variant_inputs(wildcards):
    inputs = {"st": "results/st/{teacher}/{dataset}/st.parquet".format(**wildcards)}
    variant = variant_cfg(wildcards)
    if "generator" in variant:
        if model_input(generator_cfg(wildcards)["model"]):  # an API generator has no model directory
            inputs["model"] = model_dir(generator_cfg(wildcards)["model"])
        inputs["prompt"] = variant["prompt"]
        inputs["profile"] = "results/features/{teacher}/{dataset}/style_profile.json".format(**wildcards)
    return inputs


def _variant_spec(wildcards):
    variant = variant_cfg(wildcards)
    if "generator" not in variant:
        return spec_json("build_variants", kind=variant["kind"])
    generator = generator_cfg(wildcards)
    return spec_json("build_variants", kind=variant["kind"], answer_check=generator["answer_check"],
                     answer_marker=generator["answer_marker"],
                     **generation_spec(generator["model"], generator["generation"]))


def _variant_args(wildcards, input):
    args = [f"--{name} {path}" for name, path in input.items() if name in ("model", "prompt", "profile")]
    return " ".join(args)


# --- used by sft.smk

def _sft_spec(wildcards):
    family = family_cfg(wildcards)
    return spec_json("train_sft", system_prompt=family["system_prompt"], **family["sft"])


# --- used by evaluate.smk

def _eval_spec(wildcards, variant="base"):
    family, bench = family_cfg(wildcards), config["benchmarks"][wildcards.benchmark]
    labels = {"family": wildcards.family, "benchmark": wildcards.benchmark, "variant": variant,
              "teacher": wildcards.get("teacher", ""), "dataset": wildcards.get("dataset", "")}
    return spec_json("evaluate", n_samples=bench["n_samples"], pass_k=bench["pass_k"], limit=bench["limit"],
                     system_prompt=family["system_prompt"], answer_marker=family["answer_marker"], labels=labels,
                     **eval_generation(wildcards))
