"""The lexicon presets on real R1 traces: coverage (share of correct traces with >= 3 of 4 pivot types; the paper
reports 96.1%) and precision per type on the hand-labelled gold set, for `paper` and `r1`, with and without position
rules; and which correct-vs-incorrect effects survive the length control (r1).

    python bench/lexicon.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

from styledistill.features.settings import FeatureSettings
from styledistill.style.extract import extract
from styledistill.style.lexicon import resolve
from styledistill.style.precision import precision

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
FILES = ("traces_thoughtanchors_cots_math.jsonl", "traces_thoughtanchors_site.jsonl")
GOLD = REPO / "tests" / "data" / "pivot_gold.jsonl"


def settings() -> dict[str, FeatureSettings]:
    out = {}
    for preset in ("paper", "r1"):
        lexicon, rules = resolve(preset)
        out[f"{preset}, rules"] = FeatureSettings.from_spec({"lexicon": preset})
        if rules:
            out[f"{preset}, no rules"] = FeatureSettings.from_spec({"lexicon": preset, "position_rules": {}})
    return out


def measured(name: str, spec: FeatureSettings) -> pd.DataFrame:
    rows = [json.loads(line) for line in (DATA / name).open()]
    df = pd.DataFrame([{"problem_id": r["id"], "sample": 0, "reasoning": r["thinking"],
                        "answer_text": r.get("answer_text") or "", "correct": r["correct"], "truncated": False}
                       for r in rows if isinstance(r["correct"], bool)])
    return extract(df, spec, progress=False)


def coverage(name: str, spec: FeatureSettings) -> dict[str, float]:
    f = measured(name, spec)
    f = f[f["correct"].eq(True)]
    return {"correct traces": len(f), ">=3 of 4 types": round(100 * f["has_min_types"].mean(), 1),
            "mean types": round(f["pivot_types"].mean(), 2)}


def main() -> None:
    if not DATA.exists():
        sys.exit(f"{DATA} not found")
    rows = []
    for label, spec in settings().items():
        for name in FILES:
            rows.append({"lexicon": label, "file": name.removeprefix("traces_thoughtanchors_"), **coverage(name, spec)})
    print("Coverage of correct traces (the paper: 96.1% with >= 3 of 4 types)\n")
    print(pd.DataFrame(rows).to_markdown(index=False))
    if GOLD.exists():
        gold = [json.loads(line) for line in GOLD.open()]
        table = []
        for label, spec in settings().items():
            for kind, p in precision(gold, spec.lexicon, spec.position_rules).items():
                table.append({"lexicon": label, "type": kind, **p})
        print(f"\nPrecision on the gold set ({len(gold)} labelled matches, tests/data/pivot_gold.md)\n")
        print(pd.DataFrame(table).to_markdown(index=False))
    from styledistill.features import length_control, stats
    from styledistill.style import profile

    r1 = FeatureSettings.from_spec({"lexicon": "r1"})
    print("\nCorrect vs incorrect (r1): significant raw (q < 0.05) and surviving the length control\n")
    for name in FILES:
        f = measured(name, r1)
        table = length_control.control(f, stats.compare(f, profile.NUMERIC_FEATURES, r1.bootstrap, r1.seed))
        raw = table.loc[table["q"] < 0.05, "feature"].tolist()
        kept = table.loc[table["survives_length_control"].astype(bool), "feature"].tolist()
        print(f"- {name} ({int(f['correct'].sum())} correct, {int((~f['correct'].astype(bool)).sum())} incorrect): "
              f"raw {len(raw)} ({', '.join(raw) or 'none'}); surviving {len(kept)} ({', '.join(kept) or 'none'})")


if __name__ == "__main__":
    main()
