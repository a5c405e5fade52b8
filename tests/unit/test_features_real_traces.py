"""Style features of real R1-distill traces (shared/data); prints the pivot-coverage fractions it measures."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from styledistill.features import profile
from styledistill.features.extract import extract
from styledistill.features.spec import FeatureSpec
from styledistill.records import RECORDS

TRACES = "traces_thoughtanchors_cots_math.jsonl"


@pytest.fixture(scope="module")
def features(shared_data: Path) -> pd.DataFrame:
    path = shared_data / TRACES
    if not path.exists():
        pytest.skip(f"{path} not present")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    traces = pd.DataFrame({
        "problem_id": [r["id"] for r in rows], "sample": 0,
        "reasoning": [r["thinking"] for r in rows], "answer_text": [r["answer_text"] for r in rows],
        "correct": [bool(r["correct"]) for r in rows], "truncated": False,
    })
    return extract(traces, FeatureSpec(), progress=False)


def test_real_traces(features):
    assert len(features) == 153
    correct = features[features["correct"]]
    wrong = features[~features["correct"]]
    share_correct = float(correct["has_min_types"].mean())
    share_wrong = float(wrong["has_min_types"].mean())
    print(f"\n[real R1-distill traces] {len(correct)} correct, {len(wrong)} incorrect")
    print(f"  >=3 of 4 pivot types: correct {share_correct:.3f}, incorrect {share_wrong:.3f} (paper: 0.961 correct)")
    for kind in ("realization", "verification", "exploration", "integration"):
        print(f"  {kind:<13} in {float((correct[f'{kind}_count'] > 0).mean()):.3f} of correct traces, "
              f"median {correct[f'{kind}_per_1k'].median():.2f} per 1k tokens")
    print(f"  coverage (types) of correct traces: {correct['pivot_types'].value_counts().sort_index().to_dict()}")
    prof = profile.build(features, FeatureSpec())
    print(f"  brief: {prof['brief']}")

    assert 0 <= share_correct <= 1 and 0 <= share_wrong <= 1
    assert (correct["reasoning_tokens"] > 0).all()
    ints = [n for n, t, _ in RECORDS["features"] if str(t) == "int64" and n != "sample"]
    assert (features[ints] >= 0).all().all()
    assert features["pivot_types"].between(0, 4).all()
    for column in ("first_pivot_pos", "type_token_ratio", "step_coherence"):
        values = features[column].dropna()
        assert values.between(0, 1).all(), column
    assert (features["backtracking"] == features["realization_count"]).all()
    assert prof["source"] == "correct" and prof["n_traces"] == len(correct)
    json.dumps(prof)  # the profile is plain JSON
