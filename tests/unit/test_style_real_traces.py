"""Style features and statistics of real R1-distill traces (shared/data); prints what it measures.

Run with `-s` to see the pivot-coverage fractions (the paper: 96.1% of successful R1 traces carry >= 3 of the 4
pivot types) and the top rows of the correct-vs-incorrect statistics table, per file and pooled.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from styledistill.features import stats, tables
from styledistill.features.settings import FeatureSettings
from styledistill.records import RECORDS
from styledistill.style import profile
from styledistill.style.extract import extract
from styledistill.style.lexicon import PIVOT_TYPES
from styledistill.style.stages import STAGES
from styledistill.variants import style_brief

FILES = {"cots_math": "traces_thoughtanchors_cots_math.jsonl", "site": "traces_thoughtanchors_site.jsonl"}
COUNTS = {"cots_math": (130, 23), "site": (20, 20)}  # correct, incorrect
TOP = 8


@pytest.fixture(scope="module")
def features(shared_data: Path) -> pd.DataFrame:
    frames = []
    for name, file in FILES.items():
        path = shared_data / file
        if not path.exists():
            pytest.skip(f"{path} not present")
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        frames.append(pd.DataFrame({
            "problem_id": [f"{name}/{r['id']}" for r in rows], "sample": 0,
            "reasoning": [r["thinking"] for r in rows], "answer_text": [r["answer_text"] for r in rows],
            "correct": [bool(r["correct"]) for r in rows], "truncated": False,
        }))
    traces = pd.concat(frames, ignore_index=True)
    return extract(traces, FeatureSettings(), progress=False).assign(file=traces["problem_id"].str.split("/").str[0])


def _row(row: pd.Series) -> str:
    cells = tables.markdown(pd.DataFrame([row]), "-", 2000, 3).splitlines()[-1]
    return cells


def test_real_traces(features):
    spec = FeatureSettings()
    for name, (n_correct, n_incorrect) in COUNTS.items():
        part = features[features["file"] == name]
        correct, wrong = part[part["correct"]], part[~part["correct"]]
        assert (len(correct), len(wrong)) == (n_correct, n_incorrect)
        share_correct, share_wrong = float(correct["has_min_types"].mean()), float(wrong["has_min_types"].mean())
        print(f"\n[{FILES[name]}] {len(correct)} correct, {len(wrong)} incorrect")
        print(f"  >=3 of 4 pivot types: correct {share_correct:.3f} ({int(correct['has_min_types'].sum())}/"
              f"{len(correct)}), incorrect {share_wrong:.3f} ({int(wrong['has_min_types'].sum())}/{len(wrong)}) "
              "(paper: 0.961 of correct R1 traces)")
        for kind in PIVOT_TYPES:
            print(f"  {kind:<13} in {float((correct[f'{kind}_count'] > 0).mean()):.3f} of correct, "
                  f"{float((wrong[f'{kind}_count'] > 0).mean()):.3f} of incorrect traces")
        print(f"  coverage of correct traces: {correct['pivot_types'].value_counts().sort_index().to_dict()}")
        assert 0 <= share_correct <= 1 and 0 <= share_wrong <= 1

    for name in (*FILES, "pooled"):
        part = features if name == "pooled" else features[features["file"] == name]
        table = stats.compare(part, profile.NUMERIC_FEATURES, spec.bootstrap, spec.seed)
        print(f"\n[stats: {name}] top {TOP} of {len(table)} features by |Cliff's delta| (correct over incorrect)")
        print("| feature | median correct | median incorrect | Cliff's delta [95% CI] | p | q | note |")
        for _, row in tables.ordered(table).head(TOP).iterrows():
            print(_row(row))
        tested = table.dropna(subset=["p"])
        assert tested["p"].between(0, 1).all() and (tested["q"] >= tested["p"] - 1e-12).all()
        finite = table.dropna(subset=["cliffs_delta", "delta_ci_low"])
        assert finite["cliffs_delta"].between(-1, 1).all()
        assert (finite["delta_ci_low"] <= finite["cliffs_delta"] + 1e-9).all()
        assert (finite["cliffs_delta"] <= finite["delta_ci_high"] + 1e-9).all()

    prof = profile.build(features, spec)
    print(f"\n[pooled profile] stages: {prof['stages']}")
    print(f"  brief: {style_brief.describe(prof)}")

    assert (features["reasoning_tokens"] > 0).all()
    ints = [n for n, t, _ in RECORDS["features"] if str(t) == "int64" and n != "sample"]
    assert (features[ints] >= 0).all().all()
    assert features["pivot_types"].between(0, 4).all()
    for column in ("first_pivot_pos", "type_token_ratio", "step_coherence", "pivot_diversity",
                   *(f"stage_{stage}" for stage in STAGES)):
        values = features[column].dropna()
        assert values.between(0, 1).all(), column
    shares = features[[f"stage_{stage}" for stage in STAGES]].sum(axis=1)
    assert all(math.isclose(total, 1.0) for total in shares)
    assert (features["stage_transitions"] == features["stage_order"].str.count(">")).all()
    assert (features["backtracking"] <= features["realization_count"]).all()
    assert prof["source"] == "correct" and prof["n_traces"] == int(features["correct"].sum())
    assert prof["stages"]["typical_order"]
    json.dumps(prof)  # the profile is plain JSON
