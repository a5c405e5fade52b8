"""The simulated teacher: deterministic, neutral around what it plants, ending where it says it ends."""

from __future__ import annotations

import json
import string

import pandas as pd
import pytest

from styledistill.errors import UserError
from styledistill.grading.graders import grade
from styledistill.problems import builtin
from styledistill.simulation import sentences as say
from styledistill.simulation.settings import SimulatedTeacher
from styledistill.simulation.simulate_traces import simulate
from styledistill.style.lexicon import presets, resolve
from styledistill.style.pivots import PivotMatcher


def problems(n: int = 40, levels: tuple[int, ...] = (0, 1, 2, 3, 4), seed: int = 5) -> pd.DataFrame:
    return pd.DataFrame(builtin.generate("train", seed, n, list(levels)))


def style(**overrides: object) -> SimulatedTeacher:
    return SimulatedTeacher.from_spec(overrides, "test")


def _filled(template: str) -> str:
    fields = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    values = {"question": "What is 12 + 5?", "count": 2, "numbers": "12, 5", "expr": "12 + 5", "value": "17",
              "final": "17", "wrong": "16", "connective": "First", "pivot": "PIVOT"}
    return template.format(**{name: values[name] for name in fields})


NEUTRAL = [say.RESTATE, *say.FRAMING, say.STEP, say.WRONG_STEP, *say.EXPLORATION, *say.VERIFICATION,
           *say.SYNTHESIS, say.FINAL, *[t for ts in say.PIVOT.values() for t in ts], say.PIVOT_BEFORE_VALUE,
           say.CORRECTION, *say.PAUSE]


@pytest.mark.parametrize("preset", presets())
def test_nothing_but_the_planted_phrase_is_a_pivot(preset: str) -> None:
    matcher = PivotMatcher(*resolve(preset))
    for template in NEUTRAL:
        text = _filled(template)
        assert not matcher.find(text.replace("PIVOT", "So")), (preset, text)
    for question in problems(200)["question"]:
        assert not matcher.find(question), (preset, question)


def test_traces_are_a_function_of_style_problem_and_sample() -> None:
    few, many = problems(10), problems(20)
    traces, planted = simulate(few, style(n_samples=2))
    again, _ = simulate(many, style(n_samples=3))
    keyed = again.set_index(["problem_id", "sample"])
    for row in traces.itertuples():
        assert keyed.at[(row.problem_id, row.sample), "text"] == row.text
        assert keyed.at[(row.problem_id, row.sample), "request_key"] == row.request_key
    other, _ = simulate(few, style(n_samples=2, seed=1))
    assert (other["text"] != traces["text"]).mean() > 0.9
    assert traces["request_key"].is_unique and (other["request_key"] != traces["request_key"]).all()


def test_each_trace_ends_where_the_plant_says_and_the_grader_agrees() -> None:
    traces, planted = simulate(problems(60), style(n_samples=4, wrong=0.3))
    assert 0.2 < (~planted["correct"]).mean() < 0.4
    for trace, plant in zip(traces.itertuples(), planted.itertuples(), strict=True):
        assert trace.text == f"<think>\n{trace.reasoning}\n</think>\n\n{trace.answer_text}"
        assert (plant.final == trace.gold) == plant.correct
        assert trace.reasoning.rstrip().endswith(f"The answer is {plant.final}.")
        assert grade("integer", trace.answer_text, trace.gold).correct == plant.correct
        for start, end, _, phrase in json.loads(plant.pivot_spans):
            assert trace.reasoning[start:end] == phrase
        stages = json.loads(plant.stage_spans)
        assert [s for _, _, s in stages] == ["framing", "exploration", "verification", "synthesis"]
        assert stages[0][0] == 0 and stages[-1][1] == len(trace.reasoning)


def test_rates_shape_the_traces() -> None:
    none = style(n_samples=2, pivots={"realization": 0, "verification": 0, "exploration": 0, "integration": 0})
    _, planted = simulate(problems(30), none)
    assert planted["pivot_spans"].eq("[]").all() and planted["backtracking"].eq(0).all()
    every = style(n_samples=2, pivots={"realization": 1, "verification": 1, "exploration": 1, "integration": 1},
                  backtracking=1.0, wrong=0.0)
    _, planted = simulate(problems(30), every)
    kinds = planted["pivot_spans"].map(lambda v: {kind for _, _, kind, _ in json.loads(v)})
    assert kinds.map(len).eq(4).all() and planted["backtracking"].ge(1).all()
    reordered = style(stage_order=["framing", "synthesis"], stage_shares={"framing": 0.5, "synthesis": 0.5})
    traces, planted = simulate(problems(10), reordered)
    assert all([s for _, _, s in json.loads(v)] == ["framing", "synthesis"] for v in planted["stage_spans"])
    assert all(step[0] in text for text, steps in zip(traces["reasoning"], problems(10)["solution"])
               for step in json.loads(steps)[:-1])  # the steps are written in the stages there are


def test_length_follows_the_drawn_target() -> None:
    short, _ = simulate(problems(40), style(length={"median": 60, "sigma": 0.1, "min_words": 20}))
    long, planted = simulate(problems(40), style(length={"median": 300, "sigma": 0.1, "min_words": 20}))
    words = long["reasoning"].str.split().map(len)
    assert (words >= planted["target_words"]).all() and (words <= planted["target_words"] + 50).all()
    assert words.median() > 2.5 * short["reasoning"].str.split().map(len).median()


@pytest.mark.parametrize(("overrides", "message"), [
    ({"pivots": {"verification": 1.2}}, "test.pivots.verification: Input should be less than or equal to 1"),
    ({"wrong": -0.1}, "test.wrong: Input should be greater than or equal to 0"),
    ({"backtracking": 2}, "test.backtracking: Input should be less than or equal to 1"),
    ({"stage_order": ["framing", "musing"]}, "test.stage_order.1: Input should be 'framing', 'exploration', "
                                              "'verification' or 'synthesis', got 'musing'"),
    ({"stage_shares": {"framing": 0.2, "exploration": 0.5, "verification": 0.2, "synthesis": 0.2}},
     "test: stage_shares: add up to 1.1, not 1"),
    ({"stage_order": ["framing", "synthesis"]}, "test: stage_shares: must give a share for each stage of "
                                               "stage_order and no other"),
])
def test_bad_style_is_one_line(overrides: dict, message: str) -> None:
    with pytest.raises(UserError) as info:
        style(**overrides)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_problems_without_a_solution_are_refused() -> None:
    table = problems(3).assign(solution=[None, "[]", "[[\"1 + 1\", \"2\"]]"])
    with pytest.raises(UserError, match=r"problems.parquet: row 1 \(problem b-[0-9a-f]+\): has no worked solution"):
        simulate(table, style(), "problems.parquet")
