"""Figures render for any outcome mix (both groups, one group, no grades) and are published as one directory."""

from __future__ import annotations

import pandas as pd
import pytest

from styledistill.features import plots
from styledistill.features.settings import FeatureSettings
from styledistill.style.extract import extract

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def features() -> pd.DataFrame:
    frame = pd.DataFrame({
        "problem_id": ["a", "b", "c"], "sample": 0, "answer_text": "", "truncated": False,
        "reasoning": ["We need x.\n\nWait, let me check.\n\nSo the answer is 2.", "plain", ""],
        "correct": [True, False, None],
    })
    return extract(frame, FeatureSettings(), progress=False)


@pytest.mark.parametrize("correct", [[True, False, None], [True, True, True], [None, None, None]])
def test_every_figure_renders(features, correct):
    pngs = plots.render(features.assign(correct=correct), "title")
    assert set(pngs) == set(plots.FIGURES)
    assert all(data.startswith(PNG) for data in pngs.values())


def test_write_replaces_the_directory_whole(features, tmp_path):
    target = tmp_path / "plots"
    target.mkdir()
    (target / "stale.png").write_bytes(b"old")
    assert plots.write(features, target, "t") == [f"{name}.png" for name in plots.FIGURES]
    assert sorted(p.name for p in target.iterdir()) == sorted(f"{name}.png" for name in plots.FIGURES)
    assert [p.name for p in tmp_path.iterdir()] == ["plots"]  # no staging directory left behind
