"""Per-trace features, pinned on short hand-written traces."""

from __future__ import annotations

import json
import time

import pandas as pd
import pytest

from styledistill.errors import UserError
from styledistill.features.settings import FeatureSettings
from styledistill.records import columns
from styledistill.style.extract import check_traces, extract, features_of


def test_counts_steps_sentences_and_words():
    f = features_of("Cats chase mice.\n\nMice fear cats!", "The answer is 5.")
    assert f["reasoning_tokens"] == 8  # punctuation counts, the blank line does not
    assert f["words"] == 6
    assert f["answer_tokens"] == 5
    assert (f["steps"], f["sentences"], f["words_per_step"]) == (2, 2, 3.0)
    assert f["type_token_ratio"] == pytest.approx(4 / 6)  # cats, chase, mice, fear
    # lemmas of lower-cased words: {cat, chase, mouse} vs {mouse, fear, cat}: 2 shared of 4
    assert f["step_coherence"] == pytest.approx(0.5)


def test_steps_need_a_blank_line_not_a_line_break():
    f = features_of("one line\nnext line\n \t\nthird line\n\n\n\n")
    assert f["steps"] == 2


def test_coherence_is_the_mean_over_adjacent_steps():
    f = features_of("apple pear\n\napple plum\n\nkiwi")
    # {apple, pear}~{apple, plum} = 1/3; {apple, plum}~{kiwi} = 0
    assert f["step_coherence"] == pytest.approx((1 / 3 + 0) / 2)


def test_pivots_per_type_density_position_and_spans():
    text = "a b c d Wait e f g h i"
    f = features_of(text)
    assert f["reasoning_tokens"] == 10
    assert (f["realization_count"], f["backtracking"], f["pivots_total"]) == (1, 0, 1)  # nothing is revised
    assert f["realization_per_1k"] == pytest.approx(100.0)
    assert f["verification_count"] == f["exploration_count"] == f["integration_count"] == 0
    assert f["verification_per_1k"] == 0.0
    assert f["first_pivot_pos"] == pytest.approx(0.4)
    assert json.loads(f["pivot_spans"]) == [[8, 12, "realization", "wait"]]


def test_pivot_inside_words_does_not_count():
    f = features_of("Although it was awaited, the sum though is 5.")
    assert (f["pivots_total"], f["pivot_types"], f["first_pivot_pos"]) == (0, 0, None)


def test_multi_word_pivot_across_line_break_counts():
    f = features_of("Fine.\nTo\nverify, plug x = 2 back in.")
    assert f["verification_count"] == 1
    assert f["first_pivot_pos"] == pytest.approx(2 / 12)  # single line breaks are not tokens


def test_no_pivots():
    f = features_of("The sum of 2 and 3 is 5.\n\nSo the answer is 5.")
    assert f["pivots_total"] == 0 and f["pivot_types"] == 0 and f["has_min_types"] is False
    assert f["pivot_spans"] == "[]"
    assert f["first_pivot_pos"] is None


def test_empty_reasoning():
    f = features_of("", "42")
    assert (f["reasoning_tokens"], f["words"], f["steps"], f["sentences"]) == (0, 0, 0, 0)
    assert f["answer_tokens"] == 1
    assert f["words_per_step"] is None and f["type_token_ratio"] is None and f["step_coherence"] is None
    assert f["realization_per_1k"] == 0.0 and f["pivot_types"] == 0 and f["first_pivot_pos"] is None


@pytest.mark.parametrize(
    "text",
    [
        "Warte, ich habe mich verrechnet. Ohne Zweifel ist das Ergebnis 7.\n\nAlso ist x = 7.",
        "等等，我算错了。答案是七。\n\n所以 x = 7。",
    ],
)
def test_non_english_text(text):
    f = features_of(text)
    assert f["reasoning_tokens"] > 0 and f["steps"] == 2
    assert f["pivots_total"] == 0  # "Ohne" is not "oh"


def test_other_blank_language_pipeline():
    f = features_of("Warte, ich ging nach Hause.\n\nIch gehe nach Hause.", spec=FeatureSettings(spacy_model="blank:de"))
    assert f["steps"] == 2 and f["step_coherence"] is not None


def test_coverage_and_min_types():
    two = "Wait, what if x = 1?"
    three = "Wait, what if x = 1? Let me check: yes."
    four = "Wait, what if x = 1? Let me check: yes. Putting this together, x = 1."
    assert (features_of(two)["pivot_types"], features_of(two)["has_min_types"]) == (2, False)
    assert (features_of(three)["pivot_types"], features_of(three)["has_min_types"]) == (3, True)
    assert (features_of(four)["pivot_types"], features_of(four)["has_min_types"]) == (4, True)
    assert features_of(two, spec=FeatureSettings(min_types=2))["has_min_types"] is True
    assert features_of(three, spec=FeatureSettings(min_types=4))["has_min_types"] is False


def test_very_long_trace_is_fast():
    unit = "Wait, let me check this step again.\n\nWhat if the answer is 42? Now I see how it works.\n\n"
    n = 4400  # 23 tokens per unit: ~100k tokens
    features_of("warm up the pipeline")
    start = time.perf_counter()
    f = features_of(unit * n)
    elapsed = time.perf_counter() - start
    assert f["reasoning_tokens"] == 23 * n
    assert (f["steps"], f["sentences"]) == (2 * n, 3 * n)
    for kind in ("realization", "verification", "exploration", "integration"):
        assert f[f"{kind}_count"] == n
    assert f["step_coherence"] is not None
    assert elapsed < 5, f"{elapsed:.1f} s for {23 * n} tokens"


def traces(**overrides) -> pd.DataFrame:
    frame = pd.DataFrame({
        "problem_id": ["p1", "p1", "p2"], "sample": [0, 1, 0],
        "reasoning": ["Wait, no.", None, "Hmm. Let me check."],
        "answer_text": ["1", "2", None],
        "correct": [True, None, False], "truncated": [False, True, False],
    })
    return frame.assign(**overrides)


def test_table_keeps_order_keys_and_record_columns():
    out = extract(traces(), FeatureSettings(), progress=False)
    assert list(out.columns) == columns("features")
    assert list(zip(out["problem_id"], out["sample"])) == [("p1", 0), ("p1", 1), ("p2", 0)]
    assert out["correct"].tolist() == [True, None, False]
    assert out["truncated"].tolist() == [False, True, False]
    assert out["reasoning_tokens"].tolist() == [4, 0, 6]  # a null reasoning is an empty one
    assert out["answer_tokens"].tolist() == [1, 1, 0]


def test_processes_give_the_same_table():
    texts = [f"So x = {i} here. Wait, x = {i + 1} now.\n\nLet me check it.\n\nSo the answer is {i + 1}."
             for i in range(150)]
    frame = pd.DataFrame({"problem_id": [f"p{i}" for i in range(150)], "sample": 0, "reasoning": texts,
                          "answer_text": "1", "correct": True, "truncated": False})
    one = extract(frame, FeatureSettings(batch_size=8), workers=1, progress=False)
    two = extract(frame, FeatureSettings(batch_size=8), workers=2, progress=False)
    pd.testing.assert_frame_equal(one, two)
    assert one["problem_id"].tolist() == frame["problem_id"].tolist()
    assert one["backtracking"].eq(1).all()


def test_check_traces_names_file_and_row(tmp_path):
    from styledistill.io import read_table_batches
    from styledistill.style.extract import INPUT_COLUMNS

    traces().drop(columns="reasoning").to_parquet(tmp_path / "t.parquet")  # the columns are checked as they are read
    with pytest.raises(UserError, match=r"t.parquet: missing column\(s\) reasoning for a graded_trace table$"):
        next(read_table_batches(tmp_path / "t.parquet", "graded_trace", 10, columns=INPUT_COLUMNS))
    with pytest.raises(UserError, match=r"t.parquet: row 1: duplicate \(problem_id, sample\) = \('p1', 0\)"):
        check_traces(traces(sample=[0, 0, 0]), "t.parquet")
    with pytest.raises(UserError, match="t.parquet: row 2: problem_id and sample must not be null"):
        check_traces(traces(problem_id=["a", "b", None]), "t.parquet")
    with pytest.raises(UserError, match="t.parquet: no traces"):
        check_traces(traces().iloc[:0], "t.parquet")
