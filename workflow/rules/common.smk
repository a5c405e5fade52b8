# Config validation, wildcard constraints and the helpers every rule uses.
# Library code never reads config.yaml: each rule passes its job's slice as one sorted JSON string (spec_json).

import json
import os
import re
import sys
from pathlib import Path

# Jobs import the stage code from this checkout, whichever environment (venv, --sdm conda, SLURM) runs them.
_SRC = str(Path(workflow.basedir) / "src")
os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (_SRC, os.environ.get("PYTHONPATH")) if p)
sys.path.insert(0, _SRC)

from styledistill.configcheck import check
from styledistill.errors import UserError
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


def spec_json(stage, **settings):
    """One params value per job: its settings plus the stage version, so either change reruns the job."""
    return json.dumps({"version": version(stage), **settings}, sort_keys=True)


def model_dir(key):
    return f"results/models/{key}"


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


def eval_generation(wildcards):
    """A family's generation settings, overridden by the benchmark's."""
    return {**family_cfg(wildcards)["generation"], **config["benchmarks"][wildcards.benchmark]["generation"]}


def sft_model_dir(family, teacher, dataset, variant):
    return f"results/sft/{family}/{teacher}/{dataset}/{variant}/model"


def all_scores():
    base = expand("results/eval/{family}/base/{benchmark}/scores.json",
                  family=STUDY["families"], benchmark=STUDY["benchmarks"])
    tuned = expand("results/eval/{family}/{teacher}/{dataset}/{variant}/{benchmark}/scores.json",
                   family=STUDY["families"], teacher=STUDY["teachers"], dataset=STUDY["datasets"],
                   variant=STUDY["variants"], benchmark=STUDY["benchmarks"])
    return base + tuned
