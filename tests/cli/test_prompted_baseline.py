"""A prompted baseline: an API model (refused as a student) evaluated untrained through `evaluate score` against the
local fake OpenAI server, plainly and with the style prompt filled from a teacher's profile."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pandas as pd
import pytest

from styledistill.features.settings import FeatureSettings
from styledistill.style import profile
from styledistill.style.extract import extract
from tests.cli import fixtures
from tests.conftest import REPO, run_cli
from tests.fakes.openai_server import FakeOpenAI

if importlib.util.find_spec("litellm") is None:
    pytest.skip("the api extra (litellm) is not installed", allow_module_level=True)

STYLE_PROMPT = str(REPO / "prompts" / "style_prompted.yaml")
GENERATION = {"backend": "litellm", "timeout": 2.0, "max_retries": 1, "retry_wait": 0.01, "max_new_tokens": 64,
              "temperature": 0.0}


def _profile(tmp_path: Path) -> Path:
    st = pd.read_parquet(fixtures.st(tmp_path / "st.parquet")).assign(correct=True, truncated=False)
    built = profile.build(extract(st, FeatureSettings(), progress=False), FeatureSettings())
    (tmp_path / "profile.json").write_text(json.dumps(built))
    return tmp_path / "profile.json"


def _evaluate(tmp_path: Path, server: FakeOpenAI, name: str, *style: str, check: bool = True):
    labels = {"baseline": "gpt", "model": "gpt", "benchmark": "b", "prompt": "style" if style else "plain",
              "teacher": "t" if style else "", "dataset": "d" if style else ""}
    spec = fixtures.job({"n_samples": 1}, labels=labels, grading={"grader": "integer", "seconds": 5},
                        generation=GENERATION, provider={"provider": "openai/gpt-4o", "api_base": server.url})
    out = tmp_path / name
    return run_cli("evaluate", "score", "--spec", spec, "--problems", str(tmp_path / "problems.parquet"),
                   "--model", "", *style, "--out", str(out / "samples.parquet"), "--scores",
                   str(out / "scores.json"), "--audit", str(out / "audit.parquet"), "--store",
                   str(tmp_path / "store"), check=check)


def test_an_api_model_is_evaluated_plainly_and_in_the_teachers_style(tmp_path):
    fixtures.numbered_problems(tmp_path / "problems.parquet", 4)
    style = ("--style-prompt", STYLE_PROMPT, "--profile", str(_profile(tmp_path)))
    with FakeOpenAI(answer=lambda key: "6") as server:  # problem 3 asks for 3 + 3
        _evaluate(tmp_path, server, "styled", *style)
        styled_bodies = list(server.bodies)
        _evaluate(tmp_path, server, "styled", *style)  # a rerun is served from the store
        assert server.total_hits == 4
        _evaluate(tmp_path, server, "plain")
        plain_bodies = list(server.bodies)[4:]
    assert len(styled_bodies) == 4 and len(plain_bodies) == 4
    system, user = styled_bodies[0]["messages"]
    assert system["role"] == "system" and "thinking out loud" in system["content"]
    assert user["content"].startswith("[q") and "Before you answer, reason in this manner:" in user["content"]
    assert "(verification): in 100% of traces" in user["content"]  # the profile's pivots, filled in
    assert [m["role"] for m in plain_bodies[0]["messages"]] == ["user"]
    assert plain_bodies[0]["messages"][0]["content"].startswith("[q") and "manner" not in str(plain_bodies)
    for name, prompt in (("styled", "style"), ("plain", "plain")):
        scores = json.loads((tmp_path / name / "scores.json").read_text())
        assert scores["prompt"] == prompt and scores["n_problems"] == 4 and scores["pass@1"] == 25.0
    samples = pd.read_parquet(tmp_path / "styled" / "samples.parquet")
    assert samples["prompt"].str.contains("reason in this manner").all()  # the user message the model answered


def test_a_style_prompt_needs_its_profile(tmp_path):
    fixtures.numbered_problems(tmp_path / "problems.parquet", 1)
    with FakeOpenAI() as server:
        result = _evaluate(tmp_path, server, "x", "--style-prompt", STYLE_PROMPT, check=False)
        assert server.total_hits == 0
    assert result.returncode != 0 and not (tmp_path / "x").exists()
    assert result.stderr.strip().splitlines()[-1] == (
        "error: --style-prompt and --profile go together (the profile fills the prompt)")
