"""Problems from local JSONL files: the real benchmark files, answer normalisation, one-line errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from styledistill.errors import UserError
from styledistill.problems import files
from styledistill.problems.settings import JsonlSource

# How each shared benchmark file maps onto the problem record.
MAPPINGS = {
    "math500": ({"id": "unique_id", "question": "problem", "answer": "answer", "level": "level"}, {}),
    "gsm8k_test": ({"question": "question", "answer": "answer"}, {"answer_pattern": r"####\s*(.+)$"}),
    "aime24": ({"id": "id", "question": "problem", "answer": "answer"}, {}),
    "aime25": ({"id": "id", "question": "problem", "answer": "answer"}, {}),
    "amc23": ({"id": "id", "question": "problem", "answer": "answer"}, {}),
}
ROWS = {"math500": 500, "gsm8k_test": 1319, "aime24": 30, "aime25": 30, "amc23": 40}


def _spec(path: Path | str, fields: dict, **extra: object) -> dict:
    return {"source": "jsonl", "path": str(path), "split": "test", "fields": fields, **extra}


def _load(spec: dict) -> list[dict]:
    return files.load(JsonlSource.from_spec(spec))


def _raw(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("value, expected", [
    ("025", "25"), ("073", "73"), (27.0, "27"), (-1.0, "-1"), ("27.0", "27"), (204, "204"), ("-0", "0"),
    ("1,450,000", "1450000"), (" 18 ", "18"), (0.15, "0.15"), ("0.15", "0.15"), ("1,-2", "1,-2"),
    ("\\frac{14}{3}", "\\frac{14}{3}"), ("\\left( 3, \\frac{\\pi}{2} \\right)", "\\left( 3, \\frac{\\pi}{2} \\right)"),
    ("3, 5, 7", "3, 5, 7"),
])
def test_normalise_answer(value: object, expected: str) -> None:
    assert files.normalise_answer(value) == expected


@pytest.mark.parametrize("value", [None, True, "", "  ", float("nan"), [1]])
def test_normalise_answer_rejects(value: object) -> None:
    with pytest.raises(ValueError):
        files.normalise_answer(value)


@pytest.mark.parametrize("name", sorted(MAPPINGS))
def test_loads_the_shared_benchmarks(shared_data: Path, name: str) -> None:
    fields, extra = MAPPINGS[name]
    path = shared_data / f"{name}.jsonl"
    problems = _load(_spec(path, fields, **extra))
    raw = _raw(path)
    assert len(problems) == ROWS[name] == len(raw)
    assert len({p["problem_id"] for p in problems}) == len(problems)
    assert all(p["split"] == "test" and p["source"] == str(path) and p["answer"] for p in problems)
    assert [p["question"] for p in problems] == [r[fields["question"]] for r in raw]
    if name in ("aime24", "aime25", "amc23", "gsm8k_test"):
        # integer answers in canonical form: "025" -> "25", 27.0 -> "27", "1,450,000" -> "1450000"
        assert all(re.fullmatch(r"-?(0|[1-9]\d*)", p["answer"]) for p in problems), name
        for p, r in zip(problems, raw):
            gold = r["answer"] if name != "gsm8k_test" else r["answer"].rsplit("####", 1)[1]
            assert int(float(str(gold).strip().replace(",", ""))) == int(p["answer"])
    if name == "aime24":
        assert any(r["answer"].startswith("0") for r in raw)
    if name == "math500":
        for p, r in zip(problems, raw):
            # integers in canonical form ("58,500" -> "58500")
            if re.fullmatch(r"-?\d{1,3}(,\d{3})*|-?\d+", r["answer"]):
                assert p["answer"] == str(int(r["answer"].replace(",", "")))
            else:  # LaTeX, decimals and text kept as they are
                assert p["answer"] == r["answer"].strip()
        assert problems[0]["level"] == raw[0]["level"] and {p["level"] for p in problems} == {1, 2, 3, 4, 5}
        assert problems[0]["problem_id"] == "test/precalculus/807.json"
    else:
        assert all(p["level"] is None for p in problems)
    if name == "gsm8k_test":
        assert problems[0]["answer"] == "18" and all(p["problem_id"].startswith("h-") for p in problems)
    if name == "aime25":
        assert problems[0]["problem_id"] == "2025-I-1" and problems[0]["answer"] == "70"


def test_limit_and_hashed_ids(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    rows = [{"q": f"What is {i} + {i}?", "a": str(2 * i), "lvl": "Level 3" if i else "Level ?"} for i in range(5)]
    rows.append(rows[1])  # the same question twice: kept once
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n")
    problems = _load(_spec(path, {"question": "q", "answer": "a", "level": "lvl"}, split="train"))
    assert len(problems) == 5 and problems[0]["level"] is None and problems[1]["level"] == 3
    assert problems[2]["problem_id"] == "h-" + files.question_hash("What is 2 + 2?")
    assert problems[0]["split"] == "train"
    assert len(_load(_spec(path, {"question": "q", "answer": "a"}, limit=2))) == 2


@pytest.mark.parametrize("lines, spec_extra, message", [
    (['{"q": "a?", "a": "1"}', '{"q": "b?", "a": "2"', '{"q": "c?", "a": "3"}'], {}, ":2: not valid JSON"),
    (['{"q": "a?", "a": "1"}', '{"q": "b?"}'], {}, ":2: missing key 'a' (fields.answer)"),
    (['{"q": "a?", "a": null}'], {}, ":1: key 'a' must be text or a number"),
    (['{"q": "", "a": "1"}'], {}, ":1: key 'q' must be non-empty text"),
    (['[1, 2]'], {}, ":1: expected an object, got list"),
    (['{"q": "a?", "a": "x #### 1"}', '{"q": "b?", "a": "no marker"}'], {"answer_pattern": r"####\s*(.+)$"},
     ":2: key 'a' does not match answer_pattern"),
    (['{"q": "a?", "a": "1", "i": 7}', '{"q": "b?", "a": "2", "i": 7}'], {"fields": {"question": "q", "answer": "a",
                                                                                     "id": "i"}},
     ":2: duplicate id '7' (first at"),
    (['{"q": "a?", "a": "1", "l": [3]}'], {"fields": {"question": "q", "answer": "a", "level": "l"}},
     ":1: key 'l' must be an integer"),
])
def test_bad_lines_name_file_and_line(tmp_path: Path, lines: list[str], spec_extra: dict, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n")
    spec = _spec(path, {"question": "q", "answer": "a"})
    spec.update(spec_extra)
    with pytest.raises(UserError) as info:
        _load(spec)
    assert str(info.value).startswith(str(path)) and message in str(info.value), str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("spec_change, message", [
    ({"fields": {"question": "q"}}, "--spec.fields: 'answer' is required"),
    ({"fields": {"question": "q", "answer": "a", "gold": "g"}}, "--spec.fields: unknown key(s) ['gold']"),
    ({"fields": ["q", "a"]}, "--spec.fields: Input should be a valid dictionary"),
    ({"answer_pattern": "####"}, "must have exactly one group"),
    ({"answer_pattern": "(("}, "not a valid regular expression"),
    ({"limit": 0}, "--spec.limit: Input should be greater than or equal to 1"),
    ({"split": "validation"}, "--spec.split: Input should be 'train' or 'test'"),
    ({"pathh": "x"}, "--spec: unknown key(s) ['pathh']"),
])
def test_bad_specs(tmp_path: Path, spec_change: dict, message: str) -> None:
    path = tmp_path / "ok.jsonl"
    path.write_text('{"q": "a?", "a": "1"}\n')
    spec = {**_spec(path, {"question": "q", "answer": "a"}), **spec_change}
    with pytest.raises(UserError, match=re.escape(message)):
        _load(spec)


def test_missing_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="file not found"):
        _load(_spec(tmp_path / "nope.jsonl", {"question": "q", "answer": "a"}))
    (tmp_path / "empty.jsonl").write_text("\n")
    with pytest.raises(UserError, match="no problems"):
        _load(_spec(tmp_path / "empty.jsonl", {"question": "q", "answer": "a"}))


def test_sample_draws_across_the_file_in_its_order_and_limit_takes_the_first(shared_data: Path) -> None:
    """MATH-500 is ordered by nothing in particular, but a subject-ordered file would give `limit` one subject:
    `sample` draws across the whole file (seeded, in the file's order)."""
    fields, extra = MAPPINGS["math500"]
    path = shared_data / "math500.jsonl"
    first = _load(_spec(path, fields, limit=50, **extra))
    drawn = _load(_spec(path, fields, sample=50, **extra))
    order = {p["problem_id"]: i for i, p in enumerate(_load(_spec(path, fields, **extra)))}
    positions = [order[p["problem_id"]] for p in drawn]
    assert len(drawn) == 50 and positions == sorted(positions) and max(positions) > 400
    assert [p["problem_id"] for p in drawn] != [p["problem_id"] for p in first]
    assert _load(_spec(path, fields, sample=50, **extra)) == drawn  # the same seed, the same draw
    assert _load(_spec(path, fields, sample=50, sample_seed=1, **extra)) != drawn
    with pytest.raises(UserError, match="sample 501 exceeds the 500 problems there"):
        _load(_spec(path, fields, sample=501, **extra))
    with pytest.raises(UserError, match="limit .* and sample .* exclude each other"):
        _load(_spec(path, fields, sample=5, limit=5, **extra))
