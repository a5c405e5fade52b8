"""Named benchmarks read from the real files in ../shared/data/, and the multiple-choice path on a fixture of our own
in GPQA's column layout (tests/data/gpqa_style_choices.csv: GPQA-Diamond is gated and may not be redistributed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from styledistill.errors import UserError
from styledistill.grading.graders import grade
from styledistill.problems.make_problems import make_problems
from styledistill.problems.preset_loader import shuffle_options
from styledistill.problems.presets import PRESETS
from styledistill.problems.settings import PresetSource

CHOICES = Path(__file__).resolve().parents[1] / "data" / "gpqa_style_choices.csv"
LOCAL = {"math500": ("math500.jsonl", 500), "aime24": ("aime24.jsonl", 30), "aime25": ("aime25.jsonl", 30),
         "amc23": ("amc23.jsonl", 40), "gsm8k": ("gsm8k_test.jsonl", 1319)}


@pytest.mark.parametrize("preset", sorted(LOCAL))
def test_each_preset_reads_its_shared_file_with_the_hub_fields(shared_data: Path, preset: str) -> None:
    file, rows = LOCAL[preset]
    df, source = make_problems({"source": "preset", "preset": preset, "path": str(shared_data / file)}, None)
    assert source == "preset" and len(df) == rows and df["problem_id"].is_unique
    assert (df["split"] == "test").all() and df["options"].isna().all()
    assert df["question"].str.len().min() > 10 and (df["answer"].str.len() > 0).all()


def test_preset_answers_are_what_their_graders_expect(shared_data: Path) -> None:
    aime = make_problems({"source": "preset", "preset": "aime24", "path": str(shared_data / "aime24.jsonl")},
                         None)[0]
    assert aime["answer"].str.fullmatch(r"\d{1,3}").all()  # "025" in the file -> "25"
    gsm = make_problems({"source": "preset", "preset": "gsm8k", "path": str(shared_data / "gsm8k_test.jsonl"),
                         "limit": 3}, None)[0]
    assert gsm["answer"].tolist() == ["18", "3", "70000"]  # after ####
    amc = make_problems({"source": "preset", "preset": "amc23", "path": str(shared_data / "amc23.jsonl")}, None)[0]
    assert amc["answer"].iloc[0] == "27"  # 27.0 in the file
    assert PRESETS["aime24"].grader == "integer" and PRESETS["gsm8k"].grader == "number"


def _choices(**extra) -> list[dict]:
    df, _ = make_problems({"source": "preset", "preset": "gpqa-diamond", "path": str(CHOICES), **extra}, None)
    return df.to_dict("records")


def test_options_are_shuffled_deterministically_and_keep_the_right_answer() -> None:
    first, again = _choices(), _choices()
    assert first == again  # same seed, same order
    letters = []
    for problem in first:
        options = json.loads(problem["options"])
        assert len(options) == 4
        letter = problem["answer"]
        letters.append(letter)
        correct = options["ABCD".index(letter)]
        # the gold letter names the source's correct answer, and the prompt lists the options in the shuffled order
        assert correct == {"rec-ph-1": "19.6 m", "rec-ch-2": "Nitrogen", "rec-bi-3": "The mitochondrion",
                           "rec-ma-4": "5", "rec-ph-5": "2.48 eV", "rec-ch-6": "3"}[problem["problem_id"]]
        for i, option in enumerate(options):
            assert f"({'ABCD'[i]}) {option}" in problem["question"]
    assert len(set(letters)) > 1, "the correct option must not always land on the same letter"
    other = _choices(option_seed=7)
    assert [p["options"] for p in other] != [p["options"] for p in first]
    assert all(json.loads(p["options"])["ABCD".index(p["answer"])] ==
               json.loads(q["options"])["ABCD".index(q["answer"])] for p, q in zip(first, other))


def test_shuffle_is_a_pure_function_of_seed_and_question() -> None:
    options = ["right", "w1", "w2", "w3"]
    shown, letter = shuffle_options("Q?", options, 0)
    assert shuffle_options("Q?", options, 0) == (shown, letter) and shown["ABCD".index(letter)] == "right"
    assert sorted(shown) == sorted(options)


def test_the_choice_grader_reads_the_shuffled_letter_and_option_text() -> None:
    problem = _choices()[1]  # which gas
    options = json.loads(problem["options"])
    letter = problem["answer"]
    assert grade("choice", f"The answer is ({letter}).", letter, options).correct
    assert grade("choice", "It is mostly Nitrogen, so that option.", letter, options).correct
    wrong = next(x for x in "ABCD" if x != letter)
    assert not grade("choice", f"Answer: {wrong}", letter, options).correct


def test_a_local_copy_missing_an_option_names_file_row_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "gpqa.csv"
    lines = CHOICES.read_text().splitlines()
    bad.write_text("\n".join([lines[0], lines[1].replace(",9.8 m,", ",,")]) + "\n")
    with pytest.raises(UserError, match=r"gpqa.csv row 0: key 'Incorrect Answer 1' must be a non-empty option"):
        _choices_at(bad)


def _choices_at(path: Path) -> None:
    make_problems({"source": "preset", "preset": "gpqa-diamond", "path": str(path)}, None)


def test_unknown_preset_and_unknown_suffix_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="unknown preset 'math501'"):
        PresetSource.from_spec({"source": "preset", "preset": "math501"}, "config: datasets.x")
    odd = tmp_path / "math.txt"
    odd.write_text("x")
    with pytest.raises(UserError, match=r"math.txt: a local benchmark copy must be .jsonl, .json, .csv, .parquet"):
        make_problems({"source": "preset", "preset": "math500", "path": str(odd)}, None)


def test_without_a_path_the_preset_reads_its_hub_id_through_datasets(shared_data: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """No hub here: a local directory named like the hub id stands in for it (datasets.load_dataset resolves a
    local directory first), so the preset's real loading path runs: hub id, split, field map."""
    hub_copy = tmp_path / "HuggingFaceH4" / "MATH-500"
    hub_copy.mkdir(parents=True)
    lines = (shared_data / "math500.jsonl").read_text().splitlines()[:20]
    (hub_copy / "test.jsonl").write_text("\n".join(lines) + "\n")
    monkeypatch.chdir(tmp_path)
    df, _ = make_problems({"source": "preset", "preset": "math500", "limit": 5}, str(tmp_path / "cache"))
    first = json.loads(lines[0])
    assert len(df) == 5 and df["problem_id"].iloc[0] == first["unique_id"] and df["answer"].iloc[0] == first["answer"]
    assert df["source"].iloc[0] == "preset:math500:hf:HuggingFaceH4/MATH-500[test]"
