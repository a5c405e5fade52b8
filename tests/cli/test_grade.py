"""`python -m styledistill.cli.grade` on real R1-distill traces, as a Snakemake rule runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from styledistill.io import manifest_path, read_json, read_table, write_table
from styledistill.records import columns
from styledistill.rules import version
from tests.conftest import run_cli

pytest.importorskip("math_verify")


def _traces(shared_data: Path, out: Path) -> pd.DataFrame:
    """The shared R1-distill traces as a `trace` table (truncated ones have no answer part)."""
    rows = [json.loads(line) for line in (shared_data / "traces_thoughtanchors_cots_math.jsonl").read_text()
            .splitlines()]
    records = []
    for row in rows:
        answer = row["answer_text"]
        records.append({
            "problem_id": row["id"], "sample": 0, "question": row["question"], "gold": row["gold"],
            "request_key": f"key-{row['id']}",
            "text": f"<think>{row['thinking']}" + ("" if answer is None else f"</think>{answer}"),
            "reasoning": row["thinking"], "answer_text": answer or "",
            "split_method": "think_tags", "finish_reason": "length" if answer is None else "stop",
            "truncated": answer is None, "n_completion_tokens": len((row["thinking"] + (answer or "")).split()),
            "label": row["correct"],  # an extra column: kept through the stage
        })
    df = pd.DataFrame(records)
    write_table(df, out, "trace", "generate_traces", 1)
    return df


def _outputs(tmp_path: Path) -> list[str]:
    return ["--out", str(tmp_path / "graded.parquet"), "--audit", str(tmp_path / "audit.parquet"),
            "--audit-md", str(tmp_path / "audit.md")]


def test_grades_real_traces(shared_data: Path, tmp_path: Path) -> None:
    traces, out = tmp_path / "traces.parquet", tmp_path / "graded.parquet"
    source = _traces(shared_data, traces)
    spec = json.dumps({"version": version("grade"), "stage": {"grader": "math"}})
    result = run_cli("grade", "--spec", spec, "--traces", str(traces), *_outputs(tmp_path), "--threads", "2")
    graded = read_table(out, "graded_trace")
    assert list(graded.columns[: len(columns("graded_trace"))]) == columns("graded_trace")
    assert len(graded) == len(source) and list(graded["problem_id"]) == list(source["problem_id"])
    assert "label" in graded.columns
    answered = graded[~graded["truncated"]]
    agreement = (answered["correct"] == answered["label"].isin([True, "True"])).mean()
    print(f"\ncli: agreement on the {len(answered)} finished traces: {agreement:.1%}")
    assert agreement >= 0.95 and (answered["grade_method"] == "boxed").all()
    assert (graded["grader"] == "math").all() and (graded["grade_status"] == "graded").all()
    # truncated traces are graded on the last paragraph of their reasoning, and none of them is right
    assert (graded.loc[graded["truncated"], "grade_method"] != "none").any()
    assert not graded.loc[graded["truncated"], "correct"].any()
    manifest = read_json(manifest_path(out))
    assert manifest["stage"] == "grade" and manifest["rows"] == len(source) and manifest["timeouts"] == 0
    assert manifest["correct"] == int(graded["correct"].sum()) and sum(manifest["by_method"].values()) == len(source)
    assert "graded 153 traces with grader math" in result.stderr and "'boxed': 144" in result.stderr
    # the audit lists exactly the samples where the second opinion differs, with both extractions
    audit = read_table(tmp_path / "audit.parquet", "grade_audit")
    differ = graded[graded["correct"] != graded["second_correct"]]
    assert list(audit["problem_id"]) == list(differ["problem_id"]) and manifest["disagreements"] == len(audit)
    page = (tmp_path / "audit.md").read_text()
    assert "153 samples graded" in page and f"disagrees on {len(audit)}" in page


def test_process_pool_path_matches(tmp_path: Path) -> None:
    rows = []
    for i in range(240):  # above the CLI's pool threshold
        rows.append({"problem_id": f"p{i}", "sample": 0, "question": "q", "gold": str(i % 7), "request_key": "k",
                     "text": "", "reasoning": f"Thinking.\n\nSo it is \\boxed{{{i % 5}}}",
                     "answer_text": "" if i % 3 == 0 else f"The answer is {i % 7}.", "split_method": "marker",
                     "finish_reason": "stop", "truncated": False, "n_completion_tokens": 5})
    traces, out = tmp_path / "traces.parquet", tmp_path / "graded.parquet"
    write_table(pd.DataFrame(rows), traces, "trace", "generate_traces", 1)
    run_cli("grade", "--traces", str(traces), *_outputs(tmp_path), "--threads", "2")
    graded = read_table(out, "graded_trace")
    expected = [(i % 5 == i % 7) if i % 3 == 0 else True for i in range(240)]
    assert list(graded["correct"]) == expected
    assert list(graded["grade_method"]) == ["boxed" if i % 3 == 0 else "marker" for i in range(240)]


def test_bad_inputs_exit_2_without_output(tmp_path: Path) -> None:
    missing = run_cli("grade", "--traces", str(tmp_path / "nope.parquet"), *_outputs(tmp_path), check=False)
    assert missing.returncode == 2 and "nope.parquet: file not found" in missing.stderr
    pd.DataFrame({"problem_id": ["a"]}).to_parquet(tmp_path / "thin.parquet")
    thin = run_cli("grade", "--traces", str(tmp_path / "thin.parquet"), *_outputs(tmp_path), check=False)
    assert thin.returncode == 2 and "missing column(s)" in thin.stderr
    assert len(thin.stderr.strip().splitlines()) == 1
    bad_spec = run_cli("grade", "--spec", '{"stage": {"grader": "x"}}', "--traces", str(tmp_path / "thin.parquet"),
                       *_outputs(tmp_path), check=False)
    assert bad_spec.returncode == 2 and "--spec: stage.grader: unknown grader 'x'" in bad_spec.stderr
    assert len(bad_spec.stderr.strip().splitlines()) == 1
    assert not any(tmp_path.glob("graded*")) and not any(tmp_path.glob("audit*"))


def test_grading_in_chunks_writes_what_one_pass_writes(shared_data: Path, tmp_path: Path, monkeypatch) -> None:
    """The stage reads, grades and writes CHUNK_ROWS traces at a time (flat memory on a 200k source): cut into
    four chunks, the graded table, its manifest's counts and the audit are those of one pass, even for an extra column
    that holds no value in the first chunk."""
    from styledistill.grading import grade
    from styledistill.grading.settings import GradeSettings

    traces = tmp_path / "traces.parquet"
    frame = _traces(shared_data, traces)
    frame["reviewed"] = [None] * 40 + [True, False] * ((len(frame) - 40) // 2) + [True] * (len(frame) % 2)
    frame.to_parquet(traces, index=False)
    written = {}
    for name, rows in (("one", 10_000), ("chunked", 40)):
        monkeypatch.setattr(grade, "CHUNK_ROWS", rows)
        out = tmp_path / name
        out.mkdir()
        grade.run(str(traces), str(out / "graded.parquet"), str(out / "audit.parquet"), str(out / "audit.md"),
                  GradeSettings(grader="math"), 1, 1)
        manifest = read_json(manifest_path(out / "graded.parquet"), "manifest")
        written[name] = (read_table(out / "graded.parquet", "graded_trace"), read_table(out / "audit.parquet",
                                                                                         "grade_audit"), manifest)
    (one, one_audit, one_manifest), (chunked, chunked_audit, chunked_manifest) = written["one"], written["chunked"]
    pd.testing.assert_frame_equal(one, chunked)
    pd.testing.assert_frame_equal(one_audit, chunked_audit)
    assert chunked_manifest["rows"] == len(one) > 120 and chunked_manifest["graded"] == len(one)
    for key in ("correct", "timeouts", "disagreements", "by_method"):
        assert chunked_manifest[key] == one_manifest[key], key
