"""Traces imported from trace datasets: three layouts of the same real R1 traces, bad rows, filters, pairing."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from styledistill.errors import UserError
from styledistill.traces.import_settings import TraceImport
from styledistill.traces.importing import pair, read_traces, select, to_records

SHARED = "traces_thoughtanchors_cots_math.jsonl"
FIELDS = {"id": "id", "question": "question", "reasoning": "thinking", "answer": "answer_text", "gold": "gold",
          "label": "correct"}


def spec(path: Path, **change) -> TraceImport:
    return TraceImport.from_spec({"source": "import", "format": "jsonl", "path": str(path), "fields": FIELDS,
                                  **change})


def shared_rows(shared_data: Path) -> list[dict]:
    return [json.loads(line) for line in (shared_data / SHARED).read_text().splitlines()]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def response(row: dict) -> str:
    """An open-r1-style response: <think>reasoning</think>answer (no closing tag when the trace was cut off)."""
    return f"<think>\n{row['thinking']}\n" + ("" if row["answer_text"] is None else f"</think>\n\n{row['answer_text']}")


def key(traces) -> list[tuple]:
    return [(t.problem_id, t.sample, t.question, t.reasoning.strip(), t.answer_text.strip(), t.truncated, t.label)
            for t in traces]


def test_three_layouts_import_the_same_traces(shared_data: Path, tmp_path: Path) -> None:
    rows = shared_rows(shared_data)
    fields = read_traces(spec(shared_data / SHARED))
    think = write_jsonl(tmp_path / "think.jsonl", [
        {"uid": r["id"], "problem": r["question"], "generation": response(r), "is_correct": r["correct"]}
        for r in rows])
    chat = write_jsonl(tmp_path / "chat.jsonl", [
        {"uid": r["id"], "messages": [{"role": "system", "content": "Think step by step."},
                                      {"role": "user", "content": r["question"]},
                                      {"role": "assistant", "content": response(r)}],
         "ok": r["correct"]} for r in rows])
    from_think = read_traces(TraceImport.from_spec({
        "source": "import", "format": "jsonl", "path": str(think), "layout": "think",
        "fields": {"id": "uid", "question": "problem", "response": "generation", "label": "is_correct"}}))
    from_chat = read_traces(TraceImport.from_spec({
        "source": "import", "format": "jsonl", "path": str(chat), "layout": "messages",
        "fields": {"id": "uid", "messages": "messages", "label": "ok"}}))
    assert len(fields) == len(rows) == 153
    assert key(from_think) == key(fields) == key(from_chat)
    assert sum(t.truncated for t in fields) == 9 and sum(t.label for t in fields) == 130
    assert {t.split_method for t in from_chat} == {"think_tags"} and fields[0].split_method == "import_fields"


def test_parquet_and_several_samples_per_row(tmp_path: Path) -> None:
    path = tmp_path / "traces.parquet"
    pd.DataFrame({"problem": ["What is 2+2?", "What is 3*3?"], "answer": ["4", "9"],
                  "generations": [["<think>2+2=4</think>\\boxed{4}", "<think>hmm, 5</think>\\boxed{5}"],
                                  ["<think>3*3=9</think>\\boxed{9}"]],
                  "correctness": [[True, False], [True]]}).to_parquet(path)
    traces = read_traces(TraceImport.from_spec({
        "source": "import", "format": "parquet", "path": str(path), "layout": "think",
        "fields": {"question": "problem", "response": "generations", "gold": "answer", "label": "correctness"}}))
    assert [(t.sample, t.answer_text, t.label, t.gold) for t in traces] == [
        (0, "\\boxed{4}", True, "4"), (1, "\\boxed{5}", False, "4"), (0, "\\boxed{9}", True, "9")]
    assert traces[0].problem_id == traces[1].problem_id != traces[2].problem_id  # hashed from the question


BAD = [
    ("a missing field", lambda r: r.pop("thinking"), "missing key 'thinking' (fields.reasoning)"),
    ("an empty reasoning", lambda r: r.update(thinking="  "), "key 'thinking' (fields.reasoning) is empty"),
    ("a label that is not a boolean", lambda r: r.update(correct="yes"),
     "key 'correct' (fields.label) must be a boolean, got 'yes'"),
    ("an id of the wrong type", lambda r: r.update(id=[1]), "key 'id' (fields.id) must be text or an integer"),
]


@pytest.mark.parametrize("what, damage, message", BAD, ids=[b[0] for b in BAD])
def test_a_bad_row_is_one_line_naming_file_and_row(shared_data: Path, tmp_path: Path, what, damage, message) -> None:
    rows = shared_rows(shared_data)[:5]
    damage(rows[3])
    path = write_jsonl(tmp_path / "bad.jsonl", rows)
    with pytest.raises(UserError) as error:
        read_traces(spec(path))
    assert str(error.value).startswith(f"{path}:4: ") and message in str(error.value)
    assert "\n" not in str(error.value)


def test_a_duplicate_problem_id_names_both_rows(shared_data: Path, tmp_path: Path) -> None:
    rows = shared_rows(shared_data)[:5]
    path = write_jsonl(tmp_path / "dup.jsonl", rows + [rows[1]])
    with pytest.raises(UserError, match=rf"^{path}:6: duplicate problem id 'ta-cots-math-\d+-seed0' \(sample 0\), "
                                        rf"first at {path}:2; map fields.sample"):
        read_traces(spec(path))
    # with a sample field telling the samples apart, the same problem twice is two samples
    numbered = write_jsonl(tmp_path / "numbered.jsonl", [{**r, "k": 0} for r in rows] + [{**rows[1], "k": 1}])
    traces = read_traces(spec(numbered, fields={**FIELDS, "sample": "k"}))
    assert [t.sample for t in traces if t.problem_id == rows[1]["id"]] == [0, 1]


def test_layout_settings_are_checked() -> None:
    with pytest.raises(UserError, match="layout think needs fields.response"):
        TraceImport.from_spec({"source": "import", "format": "jsonl", "path": "x", "layout": "think",
                               "fields": {"question": "q"}}, "config: teachers.r1")
    with pytest.raises(UserError, match="revision is for format hf only"):
        TraceImport.from_spec({"source": "import", "format": "jsonl", "path": "x", "revision": "main",
                               "fields": {"question": "q", "reasoning": "r"}})
    with pytest.raises(UserError, match="filters.sources needs fields.source"):
        TraceImport.from_spec({"source": "import", "format": "jsonl", "path": "x", "filters": {"sources": ["a"]},
                               "fields": {"question": "q", "reasoning": "r"}})


def test_filters_and_a_seeded_sample_of_problems(shared_data: Path, tmp_path: Path) -> None:
    rows = shared_rows(shared_data)
    path = write_jsonl(tmp_path / "t.jsonl", [{**r, "src": "a" if i % 2 else "b"} for i, r in enumerate(rows)])

    def sampled(seed: int) -> tuple[list, Counter]:
        settings = spec(path, fields={**FIELDS, "source": "src"}, problems=20, seed=seed,
                        filters={"sources": ["a"], "max_reasoning_chars": 9000})
        dropped: Counter = Counter()
        return select(read_traces(settings), settings, dropped), dropped

    kept, dropped = sampled(3)
    assert len(kept) == 20 and dropped["filtered_source"] == 77 and dropped["too_long"] > 0
    assert sum(dropped.values()) + len(kept) == len(rows)
    assert [t.problem_id for t in sampled(3)[0]] == [t.problem_id for t in kept] != \
        [t.problem_id for t in sampled(4)[0]]


def test_pairing_with_the_dataset_by_id_or_question(shared_data: Path) -> None:
    rows = shared_rows(shared_data)
    problems = pd.DataFrame({"problem_id": [f"p{i}" for i in range(10)] + [r["id"] for r in rows[4::-1]],
                             "question": [f"q{i}" for i in range(10)] + [r["question"] for r in rows[4::-1]],
                             "answer": "1", "level": None, "source": "s", "split": "train"})
    settings = spec(shared_data / SHARED)
    dropped: Counter = Counter()
    by_id = to_records(pair(read_traces(settings), problems, settings, dropped), settings)
    assert list(by_id["problem_id"]) == [r["id"] for r in rows[4::-1]]  # in the dataset's order
    assert dropped["not_in_dataset"] == 148
    assert list(by_id["gold"]) == [r["gold"] for r in rows[4::-1]]  # fields.gold wins over the dataset's answer
    assert by_id["source_correct"].tolist() == [r["correct"] for r in rows[4::-1]]
    assert by_id["request_key"].is_unique and (by_id["finish_reason"] == "stop").all()
    no_ids = spec(shared_data / SHARED, fields={k: v for k, v in FIELDS.items() if k not in ("id", "gold")})
    by_question = to_records(pair(read_traces(no_ids), problems, no_ids, Counter()), no_ids)
    assert list(by_question["problem_id"]) == list(by_id["problem_id"]) and (by_question["gold"] == "1").all()
    strict = spec(shared_data / SHARED, unmatched="error")
    with pytest.raises(UserError, match=r":6: problem 'ta-cots-math-262-seed0' is not in the paired dataset"):
        pair(read_traces(strict), problems, strict, Counter())


def test_two_rows_of_one_problem_paired_by_question_are_refused(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "t.jsonl", [{"q": "What is 2+2?", "r": "4."}, {"q": "What is  2+2? ", "r": "Four."}])
    settings = TraceImport.from_spec({"source": "import", "format": "jsonl", "path": str(path),
                                      "fields": {"question": "q", "reasoning": "r"}})
    problems = pd.DataFrame({"problem_id": ["p1"], "question": ["What is 2+2?"], "answer": ["4"], "level": None,
                             "source": "s", "split": "train"})
    with pytest.raises(UserError, match=rf"^{path}:2: the same problem as {path}:1 \('p1', sample 0\)"):
        pair(read_traces(settings), problems, settings, Counter())
