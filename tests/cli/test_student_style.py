"""Did the student copy the style? `extract_features students` on real R1-distill traces posing as a student that
copied the teacher and on a student that answers without reasoning, then the report's style-transfer table."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from styledistill.io import write_table
from tests.cli import fixtures
from tests.cli.fixtures import job
from tests.conftest import run_cli

TRACES = "traces_thoughtanchors_cots_math.jsonl"
TEACHER_ROWS = 100


def _rows(shared_data: Path) -> list[dict]:
    return [json.loads(line) for line in (shared_data / TRACES).read_text().splitlines()]


def _teacher_profile(shared_data: Path, tmp_path: Path) -> Path:
    rows = _rows(shared_data)[:TEACHER_ROWS]
    frame = pd.DataFrame({
        "problem_id": [r["id"] for r in rows], "sample": 0, "question": [r["question"] for r in rows],
        "gold": [r["gold"] for r in rows], "request_key": [r["id"] for r in rows],
        "text": [r["thinking"] for r in rows], "reasoning": [r["thinking"] for r in rows],
        "answer_text": [r["answer_text"] or "" for r in rows], "split_method": "think_tags",
        "finish_reason": "stop", "truncated": False, "n_completion_tokens": 1000,
        "correct": [bool(r["correct"]) for r in rows], "extracted": "", "grade_method": "boxed"})
    graded = tmp_path / "graded.parquet"
    write_table(fixtures.graded_columns(frame), graded, "graded_trace", "grade", 1)
    out = tmp_path / "teacher"
    run_cli("extract_features", "measure", "--spec", job({"lexicon": "r1"}), "--traces", str(graded),
            "--features", str(out / "features.parquet"), "--profile", str(out / "style_profile.json"))
    return out / "style_profile.json"


def _student(shared_data: Path, path: Path, *, copies_style: bool) -> Path:
    """Eval samples of the held-out problems: with the R1 reasoning (a student that copied the teacher), or only
    the final answer text (a student that answers without reasoning)."""
    rows = [r for r in _rows(shared_data)[TEACHER_ROWS:] if r["answer_text"]]
    reasoning = [r["thinking"] if copies_style else "" for r in rows]
    frame = pd.DataFrame({
        "problem_id": [r["id"] for r in rows], "sample": 0, "prompt": [r["question"] for r in rows],
        "text": [f"<think>\n{t}\n</think>\n\n{r['answer_text']}" if t else r["answer_text"]
                 for t, r in zip(reasoning, rows)],
        "reasoning": reasoning, "answer_text": [r["answer_text"] for r in rows], "finish_reason": "stop",
        "truncated": False, "n_completion_tokens": 100, "gold": [r["gold"] for r in rows],
        "correct": [bool(r["correct"]) for r in rows], "extracted": "", "grade_method": "boxed"})
    write_table(fixtures.plain_answers(fixtures.graded_columns(frame)), path, "eval_sample", "evaluate", 1)
    return path


def _measure(samples: Path, profile: Path, out: Path, variant: str) -> dict:
    labels = {"family": "f", "teacher": "t", "dataset": "d", "variant": variant, "benchmark": "b"}
    run_cli("extract_features", "students", "--spec", job({}, labels=labels), "--samples", str(samples),
            "--profile", str(profile), "--out", str(out / "features.parquet"), "--summary", str(out / "style.json"))
    return json.loads((out / "style.json").read_text())


def test_students_are_measured_against_the_teacher_profile(shared_data: Path, tmp_path: Path) -> None:
    profile = _teacher_profile(shared_data, tmp_path)
    copied = _measure(_student(shared_data, tmp_path / "copied.parquet", copies_style=True), profile,
                      tmp_path / "ST", "ST")
    plain = _measure(_student(shared_data, tmp_path / "plain.parquet", copies_style=False), profile,
                     tmp_path / "ST-NT", "ST-NT")
    reference = copied["reference"]
    assert reference["pivot_coverage"] > 2.5  # R1 traces use most pivot types
    # the student that writes R1's reasoning sits near the profile; the one that answers bare does not
    assert abs(copied["pivot_coverage"] - reference["pivot_coverage"]) < 0.5
    assert plain["pivot_coverage"] < 1.0
    assert copied["style_distance"] < 1.5 < plain["style_distance"]
    assert copied["style_accepted"] > 0.5 > plain["style_accepted"]
    assert copied["reasoning_tokens"] > 3 * plain["reasoning_tokens"]  # the bare answer is measured whole
    # coverage vs correctness at a fixed length: a fit, or the reason there is none
    association = copied["coverage_vs_correct"]
    assert association["odds_ratio_per_sd"] is not None or association["note"]
    features = pd.read_parquet(tmp_path / "ST" / "features.parquet")
    assert {"style_distance", "style_accepted", "pivot_types", "correct"} <= set(features.columns)
    assert features["correct"].tolist() == pd.read_parquet(tmp_path / "copied.parquet")["correct"].tolist()


def _scores(tmp_path: Path, variant: str, value: float) -> tuple[str, str]:
    path = tmp_path / f"{variant}.json"
    path.write_text(json.dumps({"family": "f", "teacher": "" if variant == "base" else "t", "dataset": "d",
                                "variant": variant, "benchmark": "b", "pass@1": value, "pass@1_stderr": 1.5,
                                "maj@n": value, "maj@n_stderr": 1.5, "n_problems": 4, "n_samples": 1,
                                "mean_tokens": 20.0 + value, "truncated_share": 0.0}))
    audit = pd.DataFrame([{"problem_id": "q1", "sample": 0, "grader": "math", "gold": "5", "extracted": "-5",
                           "correct": variant == "ST", "grade_method": "marker", "second_extracted": "-5",
                           "second_correct": variant != "ST", "source_correct": None,
                           "disagreement": "second_opinion", "answer_tail": "Answer: -5"}])
    write_table(audit, tmp_path / f"{variant}.audit.parquet", "grade_audit", "evaluate", 1)
    return str(path), str(tmp_path / f"{variant}.audit.parquet")


def test_report_shows_scores_paper_and_style_transfer(shared_data: Path, tmp_path: Path) -> None:
    profile = _teacher_profile(shared_data, tmp_path)
    styles = []
    for variant, copies in [("base", False), ("ST", True), ("ST-NT", False)]:
        samples = _student(shared_data, tmp_path / f"{variant}.samples.parquet", copies_style=copies)
        _measure(samples, profile, tmp_path / variant, variant)
        styles.append(str(tmp_path / variant / "style.json"))
    pairs = [_scores(tmp_path, v, x) for v, x in [("base", 10.0), ("ST", 30.0), ("ST-NT", 20.0)]]
    out = tmp_path / "summary"
    contrasts = [{"a": "ST", "b": "base", "claim": "better"}, {"a": "ST-NT", "b": "ST", "claim": "equivalent"}]
    spec = job({"variant_order": ["ST", "ST-NT", "ST-PS"], "contrasts": contrasts},
               study={"families": {"f": "llama3.2-3b"}, "benchmarks": {"b": "math500"}})
    run_cli("report", "--spec", spec, "--scores", *[s for s, _ in pairs], "--audits", *[a for _, a in pairs],
            "--styles", *styles, "--csv", str(out / "scores.csv"), "--markdown", str(out / "scores.md"),
            "--plot", str(out / "scores.png"), "--lengths-plot", str(out / "lengths.png"),
            "--style-csv", str(out / "style.csv"), "--style-plot", str(out / "style.png"),
            "--audit", str(out / "audit.parquet"), "--audit-md", str(out / "audit.md"),
            "--landing", str(out / "landing.rst"), "--training-csv", str(out / "training.csv"),
            "--training-plot", str(out / "training.png"),
            "--samples", *[str(tmp_path / f"{v}.samples.parquet") for v in ("base", "ST", "ST-NT")],
            "--style-features", *[str(tmp_path / v / "features.parquet") for v in ("base", "ST", "ST-NT")],
            "--samples-md", str(out / "samples.md"), "--samples-html", str(out / "samples.html"),
            "--comparisons-csv", str(out / "comparisons.csv"), "--comparisons-md", str(out / "comparisons.md"),
            "--claims", str(out / "claims.rst"), "--teachers-md", str(out / "teachers.md"),
            "--teachers-rst", str(out / "teachers.rst"), "--prompted-csv", str(out / "prompted.csv"))
    table = (out / "scores.md").read_text()
    # the three students answered alike (the same R1 outputs): no difference, and no variation to test it with
    compared = pd.read_csv(out / "comparisons.csv").set_index("contrast")
    assert compared.loc["ST − base", "difference"] == 0 and pd.isna(compared.loc["ST − base", "p"])
    assert compared["verdict"].tolist() == ["inconclusive (no variation)"] * 2
    assert "| f | b | ST − base | > | +0.0 [+0.0, +0.0] | 1/1 |" in (out / "comparisons.md").read_text()
    # the claims the landing page opens with: ST > base, with the paper's +32.0 beside ours
    claims = (out / "claims.rst").read_text()
    assert "* - ST \\> base\n     - f\n     - b\n" in claims and "- \\+32\\.0" in claims
    # strict scores: every output here ends in a stated answer ("boxed"), so strict equals lenient
    assert "## Strict scores" in table
    # the paper's columns always, an ablation of the study after them; a column not in the study says so
    assert "| family | benchmark | base | ST | ST-HC | ST-HC-W | ST-NT | SBS | ST-PS |" in table
    assert "| f | b | 10.0 ± 1.5 | 30.0 ± 1.5 | n/s | n/s | 20.0 ± 1.5 | n/s | n/s |" in table
    # the family's recipe and the benchmark's preset match the paper's Llama-3.2-3B MATH-500 row
    assert "| f | b | paper (llama3.2-3b) | 36.4 | 68.4 | 64.2 | 48.2 | 40.6 | 45.8 | n/r |" in table
    assert "## Style transfer" in table and "| f | b | teacher ST profile |" in table
    style = pd.read_csv(out / "style.csv")
    assert style["variant"].tolist() == ["base", "ST", "ST-NT"]
    assert style.set_index("variant")["style_distance"]["ST"] < style.set_index("variant")["style_distance"]["base"]
    assert "## Training" in table and "(no student was fine-tuned)" in table  # only scores were given
    # side by side: the same problem, the base student's output first, the tuned ones after, pivots marked
    page = (out / "samples.md").read_text()
    first = page.split("\n## ")[1]
    assert first.index("**base**") < first.index("**ST**") < first.index("**ST-NT**")
    assert "<sup>R</sup>" in page or "<sup>V</sup>" in page
    html = (out / "samples.html").read_text()
    assert html.count("<mark class=") >= 3 and "data-who='base'" in html
    for plot in ("scores.png", "lengths.png", "style.png", "training.png"):
        assert (out / plot).stat().st_size > 5000, plot
    landing = (out / "landing.rst").read_text()
    # the landing page's headline: our row and the paper's (rst-escaped), and the plot inline
    assert ".. list-table::" in landing and "data:image/png;base64," in landing
    assert "30\\.0 ± 1\\.5" in landing and "paper \\(llama3\\.2\\-3b\\)" in landing
    assert "| f | t | d | ST | b | q1 | 5 | -5 | right | -5 | wrong |" in (out / "audit.md").read_text()


def test_the_samples_page_shows_a_pivot_and_a_student_beside_the_base_in_a_browser(shared_data, tmp_path):
    """headless Chromium: a highlighted pivot is on screen, and a tuned student's output sits in the same row as the
    base student's for the same problem."""
    from tests.report_browser import find_chromium, open_in_browser

    if find_chromium() is None:
        pytest.skip("chromium is not installed (make browser, or scripts/install-chromium.sh)")
    test_report_shows_scores_paper_and_style_transfer(shared_data, tmp_path)
    probe = ("document.body.insertAdjacentText('beforeend', ' MARKS=' + Array.from(document.querySelectorAll("
             "'.card mark'))"
             ".filter(m => m.getBoundingClientRect().height > 0 && getComputedStyle(m).backgroundColor !== "
             "'rgba(0, 0, 0, 0)').length + ' BESIDE=' + Array.from(document.querySelectorAll('.grid')).some(g => "
             "g.querySelector(\"[data-who='base']\") && g.querySelector(\"[data-who='ST']\")))")
    seen = open_in_browser(tmp_path / "summary" / "samples.html", tmp_path / "samples.png", script=probe)
    assert seen.errors == []
    marks = int(seen.text.split("MARKS=")[1].split()[0])
    assert marks > 0 and "BESIDE=true" in seen.text
