"""Fixtures shared by the CLI tests."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from styledistill.io import write_table

# Eight hand-written examples in the layout the variants stage writes.
_PROBLEMS = [
    ("Ann has 3 pens and buys 5 more. How many pens?", "3 + 5 = 8. Wait, let me check: 8 - 5 = 3. Yes.", "8"),
    ("What is 12 times 4?", "12 * 4 = 48. To verify: 48 / 4 = 12.", "48"),
    ("A box holds 6 eggs. How many eggs in 7 boxes?", "7 boxes of 6 eggs: 7 * 6 = 42.", "42"),
    ("What is 100 minus 37?", "100 - 37 = 63. Let me check: 63 + 37 = 100.", "63"),
    ("Bob reads 15 pages a day. How many pages in 4 days?", "15 * 4 = 60. Putting this together: 60.", "60"),
    ("What is half of 90?", "90 / 2 = 45. Alternatively 45 + 45 = 90.", "45"),
    ("Sam had 20 coins and lost 8. How many are left?", "20 - 8 = 12. Wait, yes: 12 + 8 = 20.", "12"),
    ("What is 9 squared?", "9 * 9 = 81. Now I see: 81.", "81"),
]


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("examples") / "train.parquet"
    df = pd.DataFrame([
        {"problem_id": f"p{i}", "variant": "ST", "question": q, "reasoning": r,
         "answer_text": f"The answer is \\boxed{{{a}}}.", "target_answer": a, "gold": a, "target_correct": True,
         "status": "ok", "method": "copied"}
        for i, (q, r, a) in enumerate(_PROBLEMS)
    ])
    write_table(df, path, "example", "build_variants", 1)
    return path
