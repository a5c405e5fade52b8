"""The extract_features CLI the way the Snakemake rule calls it."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from styledistill.records import columns, schema
from tests.cli import fixtures
from tests.cli.fixtures import job
from tests.conftest import run_cli

REASONING = [
    "Okay, x + 1 = 3.\n\nWait, so x = 2. Let me check: 2 + 1 = 3.\n\nWhat if x = -2? No.",
    "Hmm. x = 2.\n\nTo verify, 2 + 1 = 3.\n\nAlternatively, subtract 1 from both sides.",
    "x is 5, though I awaited more.",
]


def graded(**changes) -> pd.DataFrame:
    frame = pd.DataFrame({
        "problem_id": ["p1", "p1", "p2"], "sample": [0, 1, 0], "question": "Solve x + 1 = 3.", "gold": "2",
        "request_key": ["k1", "k2", "k3"], "text": REASONING, "reasoning": REASONING,
        "answer_text": ["\\boxed{2}", "x = 2", "5"], "split_method": "think_tags", "finish_reason": "stop",
        "truncated": False, "n_completion_tokens": 30, "correct": [True, True, False],
        "extracted": ["2", "2", "5"], "grade_method": "boxed",
    })
    return fixtures.graded_columns(frame).assign(**changes)


def write(frame: pd.DataFrame, path: Path, record: str | None = "graded_trace") -> Path:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    if record:
        table = table.cast(schema(record))
    pq.write_table(table, path)
    return path


def args(tmp_path: Path, traces: Path, spec: dict | None = None) -> list[str]:
    out = tmp_path / "out"
    return ["measure", "--spec", job(spec), "--traces", str(traces),
            "--features", str(out / "features.parquet"), "--profile", str(out / "style_profile.json"),
            "--stats", str(out / "stats.csv"), "--stats-md", str(out / "stats.md"), "--plots", str(out / "plots"),
            "--title", "tiny/test", "--threads", "1"]


def test_help():
    result = run_cli("extract_features", "measure", "--help")
    for flag in ("--traces", "--profile", "--stats", "--stats-md", "--plots"):
        assert flag in result.stdout


def test_outputs_manifest_and_profile(tmp_path):
    traces = write(graded(), tmp_path / "graded.parquet")
    result = run_cli("extract_features", *args(tmp_path, traces, {"min_types": 2, "batch_size": 2}))
    assert "3/3" in result.stderr  # the progress bar

    features = pd.read_parquet(tmp_path / "out" / "features.parquet")
    assert list(features.columns) == columns("features")
    assert features[["problem_id", "sample"]].values.tolist() == [["p1", 0], ["p1", 1], ["p2", 0]]
    assert features["pivot_types"].tolist() == [3, 3, 0]
    assert features["has_min_types"].tolist() == [True, True, False]
    assert features["steps"].tolist() == [3, 3, 1]

    manifest = json.loads((tmp_path / "out" / "features.manifest.json").read_text())
    assert manifest["stage"] == "extract_features" and manifest["stage_version"] == 1  # the version its spec gives
    assert manifest["rows"] == 3 and "features.parquet" in manifest["files"]
    assert manifest["spacy_model"] == "blank:en" and manifest["min_types"] == 2

    profile = json.loads((tmp_path / "out" / "style_profile.json").read_text())
    assert (profile["source"], profile["n_traces"], profile["min_types"]) == ("correct", 2, 2)
    assert profile["features"]["steps"] == {"median": 3.0, "q1": 3.0, "q3": 3.0}
    assert profile["pivots"]["realization"]["top_phrases"] == ["hmm", "wait"]
    assert profile["coverage"]["share_min_types"] == 1.0
    assert set(profile["pivots"]["verification"]["top_phrases"]) & {"let me check", "to verify"}
    assert set(profile["stages"]) == {"share_median", "typical_order", "typical_order_share", "orders"}


def test_stats_table_markdown_and_plots(tmp_path):
    traces = write(graded(), tmp_path / "graded.parquet")
    run_cli("extract_features", *args(tmp_path, traces, {"bootstrap": 200, "seed": 3}))
    out = tmp_path / "out"

    stats = pd.read_csv(out / "stats.csv")
    assert stats.columns[0] == "feature" and {"p", "q", "cliffs_delta", "delta_ci_low", "note"} <= set(stats.columns)
    assert "has_min_types" in stats["feature"].tolist() and "stage_exploration" in stats["feature"].tolist()
    assert (stats["n_correct"] == 2).all() and (stats["n_incorrect"] <= 1).all()

    markdown = (out / "stats.md").read_text()
    assert markdown.startswith("# tiny/test\n") and "200-resample" in markdown
    assert ("| feature | median correct | median incorrect | Cliff's delta [95% CI] | p | q | OR at fixed length "
            "[95% CI] | q (length) | survives | note |") in markdown
    assert "by length decile" in markdown and "surviving it:" in markdown
    features_table = markdown.split("## ")[0]
    assert features_table.count("\n| ") == len(stats) + 1  # the header and one row per feature

    pngs = sorted(p.name for p in (out / "plots").iterdir())
    assert pngs == ["coverage.png", "coverage_by_length.png", "distributions.png", "stages.png"]
    for name in pngs:
        assert (out / "plots" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no staging leftovers


def test_missing_column_is_one_line_and_writes_nothing(tmp_path):
    traces = write(graded().drop(columns="reasoning"), tmp_path / "bad.parquet", record=None)
    result = run_cli("extract_features", *args(tmp_path, traces), check=False)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(traces) in lines[0] and "reasoning" in lines[0]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("change", "spec", "message"),
    [
        ({"sample": [0, 0, 0]}, None, "row 1: duplicate (problem_id, sample)"),
        ({}, {"lexicon": {"realization": ["wait"]}}, "--spec: stage.lexicon: missing pivot type(s)"),
    ],
)
def test_bad_rows_and_spec(tmp_path, change, spec, message):
    traces = write(graded(**change), tmp_path / "graded.parquet")
    result = run_cli("extract_features", *args(tmp_path, traces, spec), check=False)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]
    assert not (tmp_path / "out").exists()


def test_discover_ranks_r1_openings_against_math_solutions(tmp_path, shared_data):
    spec = json.dumps({"stage": {"reference": str(shared_data / "math500.jsonl"), "top": 30},
                       "features": {"lexicon": "r1"}})
    out = tmp_path / "candidates.csv"
    run_cli("extract_features", "discover", "--spec", spec, "--traces",
            str(shared_data / "traces_thoughtanchors_cots_math.jsonl"), "--out", str(out))
    table = pd.read_csv(out, keep_default_na=False)
    assert len(table) == 30 and table["z"].is_monotonic_decreasing
    top = dict(zip(table["phrase"], table["nearest_pivot_type"]))
    assert top["wait"] == "realization" and top["alternatively"] == "exploration"  # R1's pivots, not MATH's
    assert (table.set_index("phrase").loc["wait", "reference_count"]) == 0
    assert "# Pivot candidates" in (tmp_path / "candidates.md").read_text()
    bad = run_cli("extract_features", "discover", "--spec", json.dumps({"stage": {"reference": "nope.jsonl"}}),
                  "--traces", str(shared_data / "traces_thoughtanchors_site.jsonl"), "--out", str(tmp_path / "x.csv"),
                  check=False)
    assert bad.returncode != 0 and bad.stderr.strip().splitlines()[-1] == "error: nope.jsonl: file not found"
    assert not (tmp_path / "x.csv").exists()


def test_traces_measured_a_batch_at_a_time_give_the_features_of_one_pass(tmp_path, monkeypatch):
    """The stage holds BATCH_ROWS traces' texts at a time (flat memory on a 200k source): in batches of two, the
    features, their order and the profile are those of one pass."""
    from styledistill.features import extract_features
    from styledistill.features.settings import FeatureSettings

    traces = write(graded(), tmp_path / "graded.parquet")
    written = {}
    for name, rows in (("one", 50_000), ("batched", 2)):
        monkeypatch.setattr(extract_features, "BATCH_ROWS", rows)
        out = extract_features.Outputs(str(tmp_path / name / "features.parquet"), str(tmp_path / name / "p.json"))
        extract_features.run(str(traces), out, FeatureSettings(), 1, "t", 1)
        written[name] = (pd.read_parquet(out.features), json.loads(Path(out.profile).read_text()))
    pd.testing.assert_frame_equal(written["one"][0], written["batched"][0])
    assert list(written["batched"][0]["problem_id"]) == ["p1", "p1", "p2"]
    assert written["one"][1] == written["batched"][1]
