"""Decontamination on real data (../shared/data): what it must find, what it must not, and its normalisation."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pandas as pd
import pytest

from styledistill.decontamination import matching
from styledistill.decontamination.decontaminate import find
from styledistill.decontamination.normalize import key
from styledistill.decontamination.settings import MatchSettings


def _load(data: Path, name: str, field: str, id_field: str | None = None) -> pd.DataFrame:
    rows = [json.loads(line) for line in (data / name).read_text().splitlines() if line.strip()]
    ids = [str(row[id_field]) if id_field else f"{name}:{i}" for i, row in enumerate(rows)]
    return pd.DataFrame({"problem_id": ids, "question": [row[field] for row in rows]}).drop_duplicates("problem_id")


@pytest.fixture(scope="module")
def benchmarks(shared_data: Path) -> dict[str, pd.DataFrame]:
    return {"math500": _load(shared_data, "math500.jsonl", "problem", "unique_id"),
            "aime24": _load(shared_data, "aime24.jsonl", "problem", "id"),
            "aime25": _load(shared_data, "aime25.jsonl", "problem", "id"),
            "amc23": _load(shared_data, "amc23.jsonl", "problem", "id")}


def _flagged(matches: pd.DataFrame) -> set[str]:
    return set(matches.loc[matches["method"] != matching.DUPLICATE, "problem_id"])


def test_spellings_spacing_and_number_formats_normalise_away():
    assert key(r"If $x = \dfrac{1,000}{2.50}$, what is $\left(x+1\right)$?") == \
        key(r"if  x=\frac{1000}{2.5},  what is (x + 1)?")
    assert key("[asy]draw((0,0)--(1,1));[/asy] Find the area.") == key("Find the area.")
    assert key("What is 2 + 3?") != key(r"What is 2 \times 3?")  # operators are tokens: different problems


def test_math500_as_a_training_set_is_all_flagged(benchmarks):
    matches = find(benchmarks["math500"], "train", {"math500": benchmarks["math500"]}, MatchSettings())
    assert len(_flagged(matches)) == 500


NAMES = ["Alice", "Bob", "Carla", "Dmitri", "Elena", "Farid"]
KEPT_CAPITALS = {"What", "Find", "How", "If", "Let", "The", "Compute", "Evaluate", "Express", "Simplify", "Given",
                 "Suppose", "In", "A", "For", "Enter", "Convert", "Determine", "Two", "One", "There", "Each"}


def drift(text: str, i: int) -> str:
    """A copy as copies drift: LaTeX spellings and spacing, a reordered or an added sentence, a changed name; the
    numbers unchanged."""
    out = text.replace(r"\frac", r"\dfrac")
    if i % 2:
        out = out.replace("(", r"\left(").replace(")", r"\right)")
    out = re.sub(" ", "  ", out, count=3)
    parts = re.split(r"(?<=[.?!])\s+", out)
    if i % 3 == 1 and len(parts) > 1:
        parts[0], parts[1] = parts[1], parts[0]
    elif i % 3 == 2:
        parts.insert(max(len(parts) - 1, 0), "Think about it carefully before you answer.")
    out = " ".join(parts)
    return re.sub(r"\b[A-Z][a-z]{2,}\b", lambda m: m.group(0) if m.group(0) in KEPT_CAPITALS else NAMES[i % 6], out,
                  count=1)


def _ngram_only(train: pd.DataFrame, bench: pd.DataFrame, settings: MatchSettings) -> set[str]:
    """Training problems that share a (non-boilerplate) n-gram with a benchmark problem: the n-gram pass alone."""
    pool = [matching.Problem("b", pid, q) for pid, q in zip(bench["problem_id"], bench["question"])]
    index = matching.BenchmarkIndex(pool, settings.ngram, settings.boilerplate)
    return {pid for pid, q in zip(train["problem_id"], train["question"])
            if any(gram in index.by_gram for gram in matching.ngrams(matching.prepare(
                matching.Problem("t", pid, q), index.skipped), settings.ngram))}


def test_planted_near_duplicates_are_found(benchmarks, shared_data):
    math500 = benchmarks["math500"]
    picked = math500.sample(50, random_state=0)
    planted = pd.DataFrame({"problem_id": [f"planted{i}" for i in range(50)],
                            "question": [drift(q, i) for i, q in enumerate(picked["question"])]})
    unrelated = _load(shared_data, "gsm8k_test.jsonl", "question").head(1000)
    train = pd.concat([unrelated, planted], ignore_index=True).sample(frac=1, random_state=random.Random(0).randint(
        0, 99)).reset_index(drop=True)
    settings = MatchSettings()
    found = _flagged(find(train, "train", {"math500": math500}, settings))
    hits = {pid for pid in found if pid.startswith("planted")}
    alone = {pid for pid in _ngram_only(train, math500, settings) if pid.startswith("planted")}
    print(f"\nplanted copies found: {len(hits)}/50 (n-grams alone: {len(alone)}/50), false flags: {len(found - hits)}")
    assert len(hits) >= 49 and found == hits


def test_gsm8k_against_math_benchmarks_is_left_alone(benchmarks, shared_data):
    gsm8k = _load(shared_data, "gsm8k_test.jsonl", "question")
    flagged = _flagged(find(gsm8k, "gsm8k", benchmarks, MatchSettings()))
    print(f"\nGSM8K test against MATH-500, AIME24/25, AMC23: {len(flagged)} of {len(gsm8k)} flagged")
    assert len(flagged) <= 0.005 * len(gsm8k)


def test_boilerplate_alone_flags_nothing(benchmarks):
    """A problem sharing only a stock sentence or a figure with benchmark problems is not one of them."""
    math500 = benchmarks["math500"]
    stock = "Express your answer as a common fraction."
    assert (math500["question"].str.contains(stock, regex=False)).sum() >= 3
    figure = "[asy]\nunitsize(0.8 cm);\ndraw((-0.5,0)--(3.5,0));\ndraw((0,-0.5)--(0,3.5));\n[/asy]"
    train = pd.DataFrame({"problem_id": ["a", "b"], "question": [
        f"A jar holds 7 red marbles and 5 blue ones. Two are drawn at random without replacement; what is the "
        f"probability that both are blue? {stock}", f"{figure} The figure shows a kite of diagonals 6 and 9."]})
    assert find(train, "train", {"math500": math500}, MatchSettings()).empty


def test_duplicates_inside_the_training_set_are_found_and_the_action_decides(benchmarks):
    train = pd.DataFrame({"problem_id": ["a", "b", "c"], "question": [
        r"What is $\frac{1}{2}$ of 1,000?", r"what is  $\dfrac{1}{2}$ of 1000?", "What is 3 + 4?"]})
    matches = find(train, "train", {"amc23": benchmarks["amc23"]}, MatchSettings())
    assert matches[["problem_id", "benchmark_id", "method"]].values.tolist() == [["b", "a", "duplicate"]]
    assert matches["dropped"].all()
    assert not find(train, "train", {"amc23": benchmarks["amc23"]}, MatchSettings(action="report"))["dropped"].any()


def test_the_r1_trace_problems_against_the_math_benchmarks(benchmarks, shared_data):
    """No expectation: what is flagged is listed (in the note of the issue), each with its evidence."""
    traces = _load(shared_data, "traces_thoughtanchors_cots_math.jsonl", "question", "id")
    matches = find(traces, "traces", benchmarks, MatchSettings())
    print(f"\n{matches['problem_id'].nunique()} of {len(traces)} trace problems flagged")
    for row in matches.itertuples():
        print(f"  {row.problem_id} ~ {row.benchmark}/{row.benchmark_id} {row.method}: {row.evidence[:70]}")
    assert matches["evidence"].str.len().gt(0).all()
