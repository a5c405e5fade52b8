"""A study on the simulated teacher, through Snakemake: its planted style is recovered, the students trained on it
(ST, and ST-PS with the pivots stripped) are measured against its profile, and the report says what it is."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from styledistill.io import read_json
from tests.workflow.conftest import copy_workflow, planned_jobs, snakemake, write_config

pytest.importorskip("spacy")


def _config(smollm2_dir: Path) -> dict:
    return {
        "study": {"teachers": ["sim"], "datasets": ["train"], "variants": ["ST", "ST-PS"], "families": ["tllama"],
                  "benchmarks": ["test"]},
        "models": {"smol": {"source": "hf", "path": str(smollm2_dir)},
                   "tllama": {"source": "random", "architecture": "llama", "tokenizer_from": "smol"}},
        "datasets": {"train": {"source": "builtin", "split": "train", "seed": 1, "n": 8, "levels": [0, 1]},
                     "test": {"source": "builtin", "split": "test", "seed": 2, "n": 4, "levels": [0]}},
        "teachers": {"sim": {"source": "simulated", "n_samples": 3, "length": {"median": 50, "min_words": 20}}},
        "variants": {"ST": {"kind": "st"}, "ST-PS": {"kind": "pivot_stripped"}},
        "families": {"tllama": {"model": "tllama", "recipe": "recipes/sft/tiny.yaml", "sft": {"learning_rate": 1e-3},
                                "generation": {"max_new_tokens": 48, "temperature": 0.0, "batch_size": 8},
                                "threads": 1}},
        "benchmarks": {"test": {"dataset": "test", "n_samples": 1}},
        "features": {"lexicon": "r1"},  # the lexicon the simulator draws its pivots from
        "build_st": {"max_size": 6},
        "build_variants": {"size": 6},
    }


@pytest.mark.slow  # runs the workflow for real (about two minutes)
def test_a_study_on_the_simulated_teacher(tmp_path: Path, smollm2_dir: Path) -> None:
    workdir = copy_workflow(tmp_path / "wf")
    write_config(workdir, _config(smollm2_dir))
    counts = planned_jobs(workdir)
    assert counts["simulate_traces"] == 1 and "generate_traces" not in counts and "merge_traces" not in counts
    snakemake(workdir, "--cores", "2")

    where = workdir / "results" / "traces" / "sim" / "train"
    planted = pd.read_parquet(where / "planted.parquet")
    graded = pd.read_parquet(where / "graded.parquet")
    assert len(planted) == len(graded) == 24
    assert (graded["correct"].to_numpy() == planted["correct"].to_numpy()).all()  # the grader agrees with the plant

    teachers = (workdir / "results" / "summary" / "teachers.md").read_text()
    assert "sim: a simulator, not a model" in teachers and "## sim/train: the planted style, recovered" in teachers
    assert "- sim\\: a simulator\\, not a model" in (workdir / "results" / "summary" / "teachers.rst").read_text()
    recovered = teachers.split("recovered", 1)[1]
    assert recovered.count("|       1.000 |    1.000 |") == 4  # every planted pivot found, nothing else, per type

    st = pd.read_parquet(workdir / "results" / "variants" / "sim" / "train" / "ST" / "train.parquet")
    stripped = pd.read_parquet(workdir / "results" / "variants" / "sim" / "train" / "ST-PS" / "train.parquet")
    spans = planted.set_index(["problem_id", "sample"])["pivot_spans"]
    profile = read_json(workdir / "results" / "features" / "sim" / "train" / "style_profile.json")
    assert profile["n_traces"] == int(planted["correct"].sum())
    assert st["reasoning"].str.contains("Wait,|Hmm,|Let me|Alternatively,|Putting it all together,").any()
    assert not stripped["reasoning"].str.contains("Let me check,|Alternatively,|Putting it all together,").any()
    assert len(spans) == 24

    # Every student's outputs are measured against the teacher's (planted) profile; the direction is reported.
    styles = {}
    for variant in ("ST/seed-0", "ST-PS/seed-0", "base"):
        summary = read_json(workdir / "results" / "style" / "tllama" / "sim" / "train" / variant / "test" /
                            "style.json")
        assert summary["outputs"] == 4 and "style_distance" in summary
        styles[variant] = summary
    print("\nstudent style against the simulated teacher's profile:",
          json.dumps({v: {k: s[k] for k in ("pivot_coverage", "style_distance", "style_accepted")}
                      for v, s in styles.items()}))
    assert "sim" in (workdir / "results" / "summary" / "style_transfer.csv").read_text()
