"""A teacher imported from real R1 traces, through Snakemake: graded, ST, features, with provenance and audit."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest

from styledistill.config import specs
from styledistill.config.study import Study, load
from styledistill.io import manifest_path, read_json
from tests.cli.test_grade import _traces
from tests.conftest import run_cli
from tests.workflow.conftest import copy_workflow, planned_jobs, snakemake, write_config
from tests.workflow.tiny import DATA

pytest.importorskip("math_verify")
pytest.importorskip("spacy")

SHARED = "traces_thoughtanchors_cots_math.jsonl"
FIELDS = {"id": "id", "question": "question", "reasoning": "thinking", "answer": "answer_text", "gold": "gold",
          "label": "correct"}


def _config(traces: Path) -> dict:
    easy = {"id": "id", "question": "problem", "answer": "answer"}
    return {
        "study": {"teachers": ["r1"], "datasets": ["cots_math"], "variants": ["ST"], "families": ["none"],
                  "benchmarks": ["easy"]},
        "models": {"local": {"source": "hf", "path": "unused"}},
        "datasets": {"cots_math": {"source": "jsonl", "split": "train", "path": str(traces),
                                   "fields": {"id": "id", "question": "question", "answer": "gold"}},
                     "easy_test": {"source": "jsonl", "split": "test", "path": str(DATA / "easy_test.jsonl"),
                                   "fields": easy}},
        "teachers": {"r1": {"source": "import", "format": "jsonl", "path": str(traces), "fields": FIELDS}},
        "variants": {"ST": {"kind": "st"}},
        "families": {"none": {"model": "local", "recipe": "recipes/sft/tiny.yaml"}},
        "benchmarks": {"easy": {"dataset": "easy_test"}},
    }


@pytest.mark.slow  # runs the workflow for real
def test_a_study_starts_from_imported_r1_traces(tmp_path: Path, shared_data: Path) -> None:
    workdir = copy_workflow(tmp_path / "wf")
    config = _config(shared_data / SHARED)
    write_config(workdir, config)
    where = "r1/cots_math"
    targets = [f"results/st/{where}/st.parquet", f"results/features/{where}/features.parquet",
               f"results/traces/{where}/grade_audit.md", f"results/traces/{where}/import.md"]
    # the trace problems are checked against the benchmark first (its problems made too), then paired with the traces
    assert planned_jobs(workdir, *targets) == {"make_problems": 2, "decontaminate": 1, "import_traces": 1, "grade": 1,
                                               "build_st": 1, "extract_features": 1}
    snakemake(workdir, "--cores", "2", *targets)

    traces = pd.read_parquet(workdir / f"results/traces/{where}/traces.parquet")
    assert len(traces) == 153 and traces["request_key"].str.startswith("import-").all()
    assert traces["truncated"].sum() == 9
    manifest = read_json(manifest_path(workdir / f"results/traces/{where}/graded.parquet"))
    agreement = 1 - manifest["label_disagreements"] / manifest["labelled"]
    print(f"\nimported traces: our grades agree with the source's labels on {agreement:.1%}")
    assert manifest["labelled"] == 153 and agreement >= 0.95
    audit = pd.read_parquet(workdir / f"results/traces/{where}/grade_audit.parquet")
    labels = audit[audit["disagreement"].isin(["source_label", "both"])]
    assert len(labels) == manifest["label_disagreements"]
    assert not labels["source_correct"].any() and labels["correct"].all()  # only labels the source got wrong
    provenance = (workdir / f"results/traces/{where}/import.md").read_text()
    assert str(shared_data / SHARED) in provenance and "| imported | 153 |" in provenance

    st = pd.read_parquet(workdir / f"results/st/{where}/st.parquet")
    graded = pd.read_parquet(workdir / f"results/traces/{where}/graded.parquet")
    assert len(st) == int((graded["correct"] & ~graded["truncated"]).sum()) > 100

    # The features match a direct run of the feature stage on the same file.
    direct = tmp_path / "direct"
    direct.mkdir()
    _traces(shared_data, direct / "traces.parquet")
    run_cli("grade", "--spec", specs.grade(load_config(workdir, config), "cots_math"), "--traces",
            str(direct / "traces.parquet"), "--out", str(direct / "graded.parquet"), "--audit",
            str(direct / "audit.parquet"), "--audit-md", str(direct / "audit.md"))
    run_cli("extract_features", "measure", "--spec", specs.extract_features(load_config(workdir, config)), "--traces",
            str(direct / "graded.parquet"), "--features", str(direct / "features.parquet"), "--profile",
            str(direct / "profile.json"), "--stats", str(direct / "stats.csv"), "--stats-md",
            str(direct / "stats.md"), "--plots", str(direct / "plots"))
    ours = pd.read_parquet(workdir / f"results/features/{where}/features.parquet").set_index("problem_id")
    theirs = pd.read_parquet(direct / "features.parquet").set_index("problem_id").loc[ours.index]
    pd.testing.assert_frame_equal(ours, theirs)

    assert planned_jobs(workdir, *targets) == {}  # nothing left to do; nothing reimported


def load_config(workdir: Path, config: dict) -> Study:
    """The study as the workflow in `workdir` loads it (paths in the config are relative to it)."""
    here = os.getcwd()
    os.chdir(workdir)
    try:
        return load(config)
    finally:
        os.chdir(here)


def test_a_bad_trace_row_fails_the_dry_run(tmp_path: Path, shared_data: Path) -> None:
    workdir = copy_workflow(tmp_path / "wf")
    rows = [json.loads(line) for line in (shared_data / SHARED).read_text().splitlines()[:6]]
    rows[4]["correct"] = "maybe"
    bad = tmp_path / "bad.jsonl"
    bad.write_text("".join(json.dumps(r) + "\n" for r in rows))
    config = _config(bad)
    write_config(workdir, config)
    result = snakemake(workdir, "-n", check=False)
    assert result.returncode != 0
    assert f"config: teachers.r1: {bad}:5: key 'correct' (fields.label) must be a boolean, got 'maybe'" in \
        result.stderr
    assert not (workdir / "results").exists()
