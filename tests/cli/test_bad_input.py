"""The bad-input suite, stage part: every stage CLI turns bad input (problem files, prompts, specs, tables) into one
line naming the file and row, exit status 2, and writes no output at all."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from styledistill.io import write_table
from styledistill.style.settings import MeasureSettings
from tests.cli import fixtures
from tests.cli.fixtures import job
from tests.conftest import run_cli

FIELDS = {"id": "id", "question": "q", "answer": "a"}


def _jsonl(tmp: Path, text: str | bytes, **spec: object) -> tuple[list[str], list[Path]]:
    """make_problems on a JSONL file with this content."""
    path = tmp / "data.jsonl"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    stage = {"source": "jsonl", "split": "train", "path": str(path), "fields": FIELDS, **spec}
    out = tmp / "problems.parquet"
    return ["make_problems", "--spec", job(stage), "--out", str(out)], [out]


def _directory(tmp: Path) -> Path:
    """A directory where a file belongs."""
    (tmp / "adir").mkdir()
    return tmp / "adir"


def _import(tmp: Path, path: Path) -> tuple[list[str], list[Path]]:
    stage = {"source": "import", "format": "jsonl", "path": str(path), "layout": "think",
             "fields": {"question": "q", "response": "r"}}
    outs = [tmp / "t.parquet", tmp / "import.md"]
    return ["import_traces", "--spec", job(stage), "--problems", str(fixtures.problems(tmp / "p.parquet")),
            "--out", str(outs[0]), "--provenance", str(outs[1])], outs


def _train(tmp: Path, recipe: Path) -> tuple[list[str], list[Path]]:
    out = tmp / "student"
    return ["train_sft", "--spec", job(), "--examples", str(tmp / "examples.parquet"), "--model", str(tmp),
            "--recipe", str(recipe), "--out", str(out), "--work-dir", str(tmp / "work")], [out]


def _traces(tmp: Path, frame: pd.DataFrame | None = None, text: str | None = None) -> Path:
    path = tmp / "traces.parquet"
    if text is not None:
        path.write_text(text)
    else:
        frame.to_parquet(path)
    return path


def _grade(tmp: Path, traces: Path) -> tuple[list[str], list[Path]]:
    outs = [tmp / "graded.parquet", tmp / "audit.parquet", tmp / "audit.md"]
    return ["grade", "--spec", job(), "--traces", str(traces), "--out", str(outs[0]), "--audit", str(outs[1]),
            "--audit-md", str(outs[2])], outs


def _features(tmp: Path, traces: Path) -> tuple[list[str], list[Path]]:
    out = tmp / "out"
    outs = [out / "features.parquet", out / "style_profile.json", out / "stats.csv", out / "stats.md", out / "plots"]
    return (["extract_features", "measure", "--spec", job(), "--traces", str(traces), "--features", str(outs[0]),
             "--profile", str(outs[1]), "--stats", str(outs[2]), "--stats-md", str(outs[3]), "--plots", str(outs[4])],
            outs)


def _foreign_answers(tmp: Path) -> Path:
    """A shard's answers to a problem the benchmark does not have."""
    row = {"problem_id": "elsewhere", "sample": 0, "prompt": "q", "text": "t", "reasoning": "r", "answer_text": "a",
           "finish_reason": "stop", "truncated": False, "n_completion_tokens": 1, "gold": "1"}
    path = tmp / "shard.parquet"
    write_table(fixtures.plain_answers(pd.DataFrame([row])), path, "eval_answer", "answer", 1)
    return path


def _traces_generation(tmp: Path, spec: str, prompt_text: str | None = None,
                       problems: Path | None = None) -> tuple[list[str], list[Path]]:
    prompt = tmp / "prompt.yaml"
    prompt.write_text(prompt_text or "user: '{question}'\n")
    problems = problems if problems is not None else fixtures.problems(tmp / "problems.parquet")
    out = tmp / "t.parquet"
    return (["generate_traces", "generate", "--spec", spec, "--problems", str(problems), "--model",
             str(tmp / "no-model"), "--prompt", str(prompt), "--store", str(tmp / "store"), "--out", str(out)], [out])


def _make_variant(tmp: Path, stage: dict, prompt_text: str | None = None,
                  input_path: Path | None = None) -> tuple[list[str], list[Path]]:
    out = tmp / "raw.parquet"
    argv = ["build_variants", "make", "--spec", job(stage, generator={}, generation={}), "--variant", "V",
            "--input", str(input_path or fixtures.st(tmp / "st.parquet")), "--store", str(tmp / "store"),
            "--out", str(out)]
    if prompt_text is not None:
        (tmp / "p.yaml").write_text(prompt_text)
        (tmp / "profile.json").write_text("{}")
        argv += ["--prompt", str(tmp / "p.yaml"), "--profile", str(tmp / "profile.json"), "--model",
                 str(tmp / "no-model")]
    return argv, [out]


def _examples(tmp: Path) -> Path:
    """A variant's raw examples: the ST fixture's problems, accepted."""
    st = pd.read_parquet(fixtures.st(tmp / "st.parquet"))
    df = st.assign(variant="A", target_answer=st["gold"], target_correct=True, status="ok", method="copied")
    write_table(df.drop(columns="sample"), tmp / "examples.parquet", "example", "build_variants", 1)
    return tmp / "examples.parquet"


def _select(tmp: Path, ids: list[str]) -> tuple[list[str], list[Path]]:
    (tmp / "problems.json").write_text(json.dumps(ids))
    out = tmp / "train.parquet"
    return ["build_variants", "select", "--raw", str(_examples(tmp)), "--problems", str(tmp / "problems.json"),
            "--out", str(out)], [out]


def _publish_with_other_features(tmp: Path) -> tuple[list[str], list[Path]]:
    """A variant published against a features table that is not its teacher's (no row for the ST traces)."""
    from styledistill.style.extract import extract

    other = pd.DataFrame({"problem_id": ["elsewhere"], "sample": [0], "reasoning": ["Wait, 1 + 1 = 2."],
                          "answer_text": ["2"], "correct": [True], "truncated": [False]})
    write_table(extract(other, MeasureSettings(), progress=False), tmp / "features.parquet", "features",
                "extract_features", 1)
    (tmp / "profile.json").write_text("{}")
    examples, out = _examples(tmp), tmp / "published"
    return (["build_variants", "publish", "--spec", job({"kind": "st"}, labels={"variant": "A"}), "--variant", "A",
             "--train", str(examples), "--raw", str(examples), "--st", str(tmp / "st.parquet"), "--features",
             str(tmp / "features.parquet"), "--profile", str(tmp / "profile.json"), "--out", str(out)], [out])


def _report(tmp: Path, text: str) -> tuple[list[str], list[Path]]:
    scores = tmp / "scores.json"
    scores.write_text(text)
    names = ["csv", "markdown", "plot", "lengths-plot", "style-csv", "style-plot", "audit", "audit-md", "landing",
             "training-csv", "training-plot", "samples-md", "samples-html", "comparisons-csv", "comparisons-md",
             "claims", "teachers-md", "teachers-rst", "prompted-csv"]
    outs = [tmp / f"out-{name}" for name in names]
    return (["report", "--spec", job(), "--scores", str(scores), "--audits", str(tmp / "audit.parquet"),
             *[arg for name, out in zip(names, outs) for arg in (f"--{name}", str(out))]], outs)


def _graded_frame(**change: object) -> pd.DataFrame:
    frame = pd.DataFrame([{"problem_id": "p1", "sample": 0, "question": "q", "gold": "1", "request_key": "k",
                           "text": "t", "reasoning": "Wait, so 1.", "answer_text": "1", "split_method": "none",
                           "finish_reason": "stop", "truncated": False, "n_completion_tokens": 3, "correct": True,
                           "extracted": "1", "grade_method": "boxed"}] * 2)
    frame["sample"] = [0, 1]
    return fixtures.graded_columns(frame).assign(**change)


Case = Callable[[Path], tuple[list[str], list[Path]]]
CASES: list[tuple[str, Case, str]] = [
    # problem files
    ("JSON syntax", lambda t: _jsonl(t, '{"id": 1, "q": "a?", "a": "1"}\n{"id": 2, "q": "b?"\n'),
     "data.jsonl:2: not valid JSON"),
    ("missing field", lambda t: _jsonl(t, '{"id": 1, "q": "a?"}\n'), "data.jsonl:1: missing key 'a' (fields.answer)"),
    ("empty question", lambda t: _jsonl(t, '{"id": 1, "q": " ", "a": "1"}\n'), "data.jsonl:1: key 'q' must be"),
    ("null answer", lambda t: _jsonl(t, '{"id": 1, "q": "a?", "a": null}\n'), "data.jsonl:1: key 'a' must be text"),
    ("row not an object", lambda t: _jsonl(t, '[1, 2]\n'), "data.jsonl:1: expected an object, got list"),
    ("nested 100,000 deep", lambda t: _jsonl(t, '{"id": 1, "q": ' + "[" * 100_000 + "]" * 100_000 + "}\n"),
     "data.jsonl:1: JSON nested too deeply"),
    ("not UTF-8", lambda t: _jsonl(t, b'{"id": 1, "q": "caf\xe9?", "a": "1"}\n'), "data.jsonl: not UTF-8 text"),
    ("duplicate id", lambda t: _jsonl(t, '{"id": 1, "q": "a?", "a": "1"}\n{"id": 1, "q": "b?", "a": "2"}\n'),
     "data.jsonl:2: duplicate id '1'"),
    ("answer pattern not found", lambda t: _jsonl(t, '{"id": 1, "q": "a?", "a": "no marker"}\n',
                                                  answer_pattern=r"####\s*(.+)"),
     "data.jsonl:1: key 'a' does not match answer_pattern"),
    ("empty file", lambda t: _jsonl(t, "\n\n"), "data.jsonl: no problems"),
    ("bad level", lambda t: _jsonl(t, '{"id": 1, "q": "a?", "a": "1", "l": [3]}\n',
                                   fields={**FIELDS, "level": "l"}), "data.jsonl:1: key 'l' must be an integer"),
    ("JSONL path is a directory", lambda t: _jsonl(t, "", path=str(_directory(t))), "adir: is a directory, not a file"),
    ("imported traces path is a directory", lambda t: _import(t, _directory(t)), "adir: is a directory, not a file"),
    ("unknown source", lambda t: (["make_problems", "--spec", job({"source": "csv"}), "--out", str(t / "p.parquet")],
                                  [t / "p.parquet"]), "--spec: stage.source: unknown source 'csv'"),
    # specs
    ("spec not JSON", lambda t: _traces_generation(t, "{stage: 1"), "--spec: not valid JSON"),
    ("spec nested too deeply", lambda t: _traces_generation(t, "[" * 50_000 + "]" * 50_000),
     "--spec: not valid JSON"),
    ("unknown spec part", lambda t: _traces_generation(t, json.dumps({"stage": {}, "sampling": {}})),
     "--spec: unknown part(s) ['sampling']"),
    ("spec part not an object", lambda t: _traces_generation(t, json.dumps({"stage": []})),
     "--spec: stage must be a JSON object, got list"),
    ("stage key of another stage", lambda t: _traces_generation(t, job({"pass_k": [1]})),
     "--spec: stage: unknown key(s) ['pass_k']"),
    ("shard outside the shards", lambda t: _traces_generation(t, job({"shard": 3, "shards": 2})),
     "--spec: stage: shard 3 is not in 0..1"),
    ("nan in generation", lambda t: _traces_generation(t, job(generation={"temperature": "nan"})),
     "--spec: generation.temperature: Input should be a finite number"),
    ("evaluation pass@k above n", lambda t: (["evaluate", "score", "--spec", job({"n_samples": 1, "pass_k": [4]}),
                                             "--problems", str(fixtures.problems(t / "p.parquet")), "--model",
                                             str(t), "--out", str(t / "s.parquet"), "--scores", str(t / "s.json"),
                                             "--audit", str(t / "a.parquet"), "--store", str(t / "store")],
                                            [t / "s.parquet", t / "s.json", t / "a.parquet"]),
     "--spec: stage: pass_k [4] exceeds n_samples 1"),
    ("answers of another benchmark", lambda t: (["evaluate", "score", "--spec", job(),
                                                "--problems", str(fixtures.problems(t / "p.parquet")), "--model",
                                                str(t), "--answers", str(_foreign_answers(t)),
                                                "--out", str(t / "s.parquet"), "--scores", str(t / "s.json"),
                                                "--audit", str(t / "a.parquet"), "--store", str(t / "store")],
                                               [t / "s.parquet", t / "s.json", t / "a.parquet"]),
     "are not in --problems (answers of another benchmark?)"),
    # prompts
    ("prompt with an unclosed brace", lambda t: _traces_generation(t, job(), "user: 'Q: {question'\n"),
     "prompt.yaml: not a valid template"),
    ("prompt with an unknown placeholder", lambda t: _traces_generation(t, job(), "user: '{question} {hint}'\n"),
     "prompt.yaml: unknown placeholder(s) ['hint']"),
    ("prompt without its placeholder", lambda t: _traces_generation(t, job(), "user: 'Solve.'\n"),
     "prompt.yaml: template must use placeholder(s) ['question']"),
    ("prompt not YAML", lambda t: _traces_generation(t, job(), "user: [\n"), "prompt.yaml: not valid YAML: line"),
    ("generator prompt with a placeholder its kind does not fill",
     lambda t: _make_variant(t, {"kind": "synthetic", "generator": "g", "prompt": "p.yaml"},
                             "user: '{question} {kept}'\n"),
     "p.yaml: unknown placeholder(s) ['kept']"),
    ("gold answer in a prompt that must not show it",
     lambda t: _make_variant(t, {"kind": "synthetic", "generator": "g", "prompt": "p.yaml", "show_answer": False},
                             "user: '{question} {answer}'\n"),
     "p.yaml: unknown placeholder(s) ['answer']"),
    ("rewrite prompt without the kept trace",
     lambda t: _make_variant(t, {"kind": "synthetic_wrong", "input": "ST-HC", "generator": "g", "prompt": "p.yaml"},
                             "user: '{question} {answer}'\n", input_path=_examples(t)),
     "p.yaml: template must use placeholder(s) ['kept']"),
    ("length matching without its reference", lambda t: _make_variant(t, {"kind": "length_matched", "input": "A"},
                                                                      input_path=_examples(t)),
     "variant V (kind length_matched) needs --profile, --reference"),
    # stage inputs
    ("missing problems table", lambda t: _traces_generation(t, job(), problems=t / "nope.parquet"),
     "nope.parquet: file not found"),
    ("model directory without a manifest", lambda t: _traces_generation(t, job()),
     "no-model: not a prepared model directory"),
    ("traces missing columns", lambda t: _grade(t, _traces(t, pd.DataFrame({"problem_id": ["a"]}))),
     "traces.parquet: missing column(s)"),
    ("traces not Parquet", lambda t: _grade(t, _traces(t, text="problem_id,sample\n")),
     "traces.parquet: not a readable Parquet file"),
    ("graded traces duplicated", lambda t: _features(t, _traces(t, _graded_frame(sample=[0, 0]))),
     "row 1: duplicate (problem_id, sample)"),
    ("graded traces with a null id", lambda t: _features(t, _traces(t, _graded_frame(problem_id=[None, "p1"]))),
     "row 0: problem_id and sample must not be null"),
    ("ST table of the wrong kind", lambda t: _make_variant(t, {"kind": "st"},
                                                           input_path=_traces(t, pd.DataFrame({"x": [1]}))),
     "traces.parquet: missing column(s) problem_id"),
    ("unknown variant kind", lambda t: _make_variant(t, {"kind": "paraphrase"}),
     "--spec: stage.kind: unknown kind 'paraphrase'"),
    ("variant input that is not an example table", lambda t: _make_variant(
        t, {"kind": "no_trace", "input": "ST"}, input_path=fixtures.st(t / "st.parquet")),
     "st.parquet: missing column(s) status for a example table"),
    ("alignment naming a problem the variant lacks", lambda t: _select(t, ["p1", "zz"]),
     "examples.parquet: aligned problem(s) ['zz'] have no accepted example here"),
    ("features that are not the teacher's", _publish_with_other_features,
     "features.parquet: no features for ST trace (problem 'p1', sample 0); 3 of 3 missing"),
    ("traces path is a directory", lambda t: _grade(t, _directory(t)), "adir: is a directory, not a file"),
    ("recipe is a directory", lambda t: _train(t, _directory(t)), "adir: is a directory, not a recipe file"),
    ("scores not JSON", lambda t: _report(t, "{"), "scores.json: not valid JSON"),
    ("scores missing keys", lambda t: _report(t, '{"family": "f"}'), "scores lack"),
]


@pytest.mark.parametrize("name, case, message", CASES, ids=[c[0] for c in CASES])
def test_bad_stage_input_is_one_line_and_writes_nothing(name, case, message, tmp_path):
    argv, outputs = case(tmp_path)
    result = run_cli(*argv, check=False)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, result.stderr[-2000:]
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], lines[-3:]
    assert not any(p.exists() for p in outputs), [str(p) for p in outputs if p.exists()]
