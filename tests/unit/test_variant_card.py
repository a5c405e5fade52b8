"""A variant's dataset card says which model served its answers, and for ST-HC-W how many kept prefixes already
wrote the gold answer."""

from __future__ import annotations

import pandas as pd

from styledistill.variants.card import card
from styledistill.variants.summary import SHOWN


def _summary(**extra: object) -> dict:
    features = dict.fromkeys(SHOWN, 1.0)
    return {"variant": "ST-HC", "examples": 3, "offered": 4, "built": 3, "statuses": {"ok": 3, "missed_target": 1},
            "methods": {"generated": 3}, "features": features, "st_features": features, "min_types_share": 1.0,
            "st_min_types_share": 1.0, "style": {"distance_median": 0.5, "accepted_share": 1.0},
            "length_vs_st": None, **extra}


def test_the_card_names_the_served_models_and_the_gold_in_kept_prefixes() -> None:
    served = pd.Series(["gpt-4o-2024-08-06", "gpt-4o-2024-08-06", "gpt-4o-2024-11-20", None]).dropna()
    summary = _summary(served_by={str(k): int(n) for k, n in served.value_counts().items()},
                       prefix_states_gold_share=0.25)
    text = card(summary, {"teacher": "r1", "dataset": "math"}, {"kind": "synthetic"})
    assert "## Served by" in text
    assert "| `gpt-4o-2024-08-06` | 2 |" in text and "| `gpt-4o-2024-11-20` | 1 |" in text
    assert "already write the gold answer before the rewritten ending: 0.25" in text
    plain = card(_summary(), {"teacher": "r1", "dataset": "math"}, {"kind": "st"})
    assert "Served by" not in plain and "rewritten ending" not in plain
