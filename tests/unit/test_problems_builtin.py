"""The built-in word-problem generator: exact answers, determinism, and train/test disjoint by construction."""

from __future__ import annotations

import re
from fractions import Fraction

import pytest

from styledistill.errors import UserError
from styledistill.problems import builtin
from styledistill.problems.settings import LEVELS, BuiltinSource


def _ints(question: str) -> list[int]:
    return [int(x) for x in re.findall(r"\d+", question)]


def _farm(q: str) -> int:
    legs = {"chickens": 2, "cows": 4, "ducks": 2, "goats": 4, "bicycles": 2, "tricycles": 3, "cars": 4,
            "motorbikes": 2}
    kinds = re.search(r"only (\w+) and (\w+)", q).groups()
    heads, total_legs = _ints(q)
    asked = re.search(r"How many (\w+) are there", q).group(1)
    (x,) = [x for x in range(heads + 1) if legs[kinds[0]] * x + legs[kinds[1]] * (heads - x) == total_legs]
    return x if asked == kinds[0] else heads - x


def _system(q: str) -> int:
    t1, a1, b1, t2, a2, b2 = _ints(q)
    det = a1 * b2 - a2 * b1
    return Fraction(a1 * t2 - a2 * t1, det)


def _gyms(q: str) -> int:
    n = _ints(q)
    fee_a, cheap, fee_b, dear = n if len(n) == 4 else (n[0], n[1], 0, n[2])
    return Fraction(fee_a - fee_b, dear - cheap)


def _think(q: str) -> int:
    a, b, c = _ints(q)
    return Fraction(c + b, a) if "subtracts" in q else Fraction(c - b, a)


def _times(q: str) -> int:
    n = _ints(q)
    a, k = (n[0], 2) if len(n) == 1 else n
    return a + k * a


# An independent re-derivation of each template's answer from the numbers in its question.
CHECKS = {
    "l0_add": lambda q: sum(_ints(q)),
    "l0_subtract": lambda q: _ints(q)[0] - _ints(q)[1],
    "l0_multiply": lambda q: _ints(q)[0] * _ints(q)[1],
    "l0_divide": lambda q: Fraction(_ints(q)[0], _ints(q)[1]),
    "l1_more": lambda q: sum(_ints(q)),
    "l1_give": lambda q: _ints(q)[0] - _ints(q)[1],
    "l1_groups": lambda q: _ints(q)[0] * _ints(q)[1],
    "l1_share": lambda q: Fraction(_ints(q)[0], _ints(q)[1]),
    "l1_price": lambda q: _ints(q)[0] * _ints(q)[1],
    "l1_compare": lambda q: _ints(q)[0] - _ints(q)[1],
    "l2_buy_then_give": lambda q: _ints(q)[0] + _ints(q)[1] - _ints(q)[2],
    "l2_packs": lambda q: _ints(q)[0] + _ints(q)[1] * _ints(q)[2],
    "l2_money_left": lambda q: _ints(q)[0] - _ints(q)[1] * _ints(q)[2],
    "l2_bakery": lambda q: _ints(q)[0] * _ints(q)[1] - _ints(q)[2],
    "l2_pick_and_pack": lambda q: Fraction(_ints(q)[0] + _ints(q)[1], _ints(q)[2]),
    "l2_times_as_many": _times,
    "l3_think_of_number": _think,
    "l3_gyms": _gyms,
    "l3_change": lambda q: _ints(q)[4] - _ints(q)[0] * _ints(q)[1] - _ints(q)[2] * _ints(q)[3],
    "l3_library": lambda q: _ints(q)[0] - _ints(q)[1] + _ints(q)[2] + _ints(q)[3],
    "l3_ages": lambda q: Fraction(_ints(q)[2] - 2 * _ints(q)[1], _ints(q)[0] + 1),
    "l3_tickets": lambda q: Fraction(_ints(q)[3] - _ints(q)[2] * _ints(q)[0], _ints(q)[1]),
    "l4_together": lambda q: Fraction(_ints(q)[0] * _ints(q)[1], _ints(q)[0] + _ints(q)[1]),
    "l4_percent_sold": lambda q: Fraction(_ints(q)[0] * (100 - _ints(q)[1]) * (100 - _ints(q)[2]), 10000),
    "l4_heads_and_legs": _farm,
    "l4_two_purchases": _system,
    "l4_discount_tax": lambda q: Fraction(_ints(q)[0] * (100 - _ints(q)[1]) * (100 + _ints(q)[2]), 10000),
    "l4_workers": lambda q: Fraction(_ints(q)[0] * _ints(q)[1], _ints(q)[2]),
    "l4_average_speed": lambda q: Fraction(_ints(q)[0] * _ints(q)[1] + _ints(q)[2] * _ints(q)[3],
                                           _ints(q)[0] + _ints(q)[2]),
    "l4_price_change": lambda q: Fraction(_ints(q)[0] * (100 + _ints(q)[1]) * (100 - _ints(q)[2]), 10000),
}


@pytest.mark.parametrize("level", LEVELS)
def test_each_level_has_varied_templates_with_exact_answers(level: int) -> None:
    templates = builtin.TEMPLATES[level]
    assert len(templates) >= 4
    for seed, template in enumerate(templates):
        draw = builtin.Draw(builtin.stream(seed, "train", level))
        questions = set()
        for _ in range(60):
            question, answer, steps = template(draw)
            assert steps and steps[-1].value == str(answer) and all(_holds(s) for s in steps), (question, steps)
            assert isinstance(answer, int) and answer > 0, (question, answer)
            expected = CHECKS[template.__name__](question)
            assert expected == answer, (template.__name__, question, answer, expected)
            assert question.endswith("?") and "  " not in question
            questions.add(question)
        assert len(questions) >= 55, template.__name__  # names, objects and numbers vary


def _holds(step: builtin.Step) -> bool:
    """Does the step's expression evaluate to its value (exactly)?"""
    expr = re.sub(r"\d+(?:\.\d+)?", lambda m: f"Fraction('{m.group()}')", step.expr.replace("×", "*").replace("÷", "/"))
    return eval(expr, {"Fraction": Fraction}) == Fraction(step.value)  # noqa: S307 -- our own arithmetic


def test_every_template_is_checked() -> None:
    assert {t.__name__ for ts in builtin.TEMPLATES.values() for t in ts} == set(CHECKS)


def _load(spec: dict) -> list[dict]:
    return builtin.load(BuiltinSource.from_spec(spec))


def test_records_and_determinism() -> None:
    spec = {"source": "builtin", "split": "train", "seed": 3, "n": 40, "levels": [1, 2, 3, 4]}
    first, again = _load(spec), _load(dict(spec))
    assert first == again
    assert [p["level"] for p in first[:8]] == [1, 2, 3, 4, 1, 2, 3, 4]
    for p in first:
        assert p["problem_id"] == builtin.problem_id(p["question"]) and re.fullmatch(r"b-[0-9a-f]{12}", p["problem_id"])
        assert p["source"] == "builtin:3" and p["split"] == "train" and re.fullmatch(r"\d+", p["answer"])
    assert len({p["problem_id"] for p in first}) == 40
    other = _load({**spec, "seed": 4})
    assert [p["question"] for p in first] != [p["question"] for p in other]


def test_default_levels_and_per_level_prefix() -> None:
    default_levels = BuiltinSource.model_fields["levels"].default
    small = _load({"source": "builtin", "split": "test", "seed": 0, "n": 6})
    large = _load({"source": "builtin", "split": "test", "seed": 0, "n": 12})
    assert {p["level"] for p in large} == set(default_levels)
    for level in default_levels:
        assert [p for p in small if p["level"] == level] == [p for p in large if p["level"] == level][:2]
    # a level's problems do not depend on which other levels are asked for
    only_two = builtin.generate("test", 0, 4, [2])
    assert only_two[:4] == [p for p in large if p["level"] == 2]


def test_train_and_test_never_overlap() -> None:
    train = builtin.generate("train", 0, 600, [1, 2, 3, 4])
    test = builtin.generate("test", 0, 600, [1, 2, 3, 4])
    other_seed = builtin.generate("test", 1, 300, [1, 2, 3, 4])
    norm = builtin.normalise_question
    train_q = {norm(p["question"]) for p in train}
    assert len(train_q) == 600 and len({norm(p["question"]) for p in test}) == 600
    assert train_q.isdisjoint(norm(p["question"]) for p in test + other_seed)
    # by construction: each question's hash bucket decides its split
    assert all(builtin.bucket(p["question"]) >= builtin.TEST_BUCKETS for p in train)
    assert all(builtin.bucket(p["question"]) < builtin.TEST_BUCKETS for p in test + other_seed)
    assert builtin.bucket("  Maya HAS 3 apples. ") == builtin.bucket("maya has 3 apples.")


@pytest.mark.parametrize("change, message", [
    ({"colour": "red"}, "--spec: unknown key(s) ['colour']"),
    ({"split": "dev"}, "--spec.split: Input should be 'train' or 'test'"),
    ({"n": 0}, "--spec.n: Input should be greater than or equal to 1"),
    ({"seed": -1}, "--spec.seed: Input should be greater than or equal to 0"),
    ({"levels": [1, 5]}, "--spec.levels.1: Input should be less than or equal to 4"),
    ({"levels": [1, 1]}, "--spec.levels: levels must be distinct"),
    ({"levels": []}, "--spec.levels: List should have at least 1 item"),
    ({"levels": [1.0]}, "--spec.levels.0: Input should be a valid integer"),
])
def test_bad_specs_are_one_line_errors(change: dict, message: str) -> None:
    spec = {"source": "builtin", "split": "train", "seed": 0, "n": 3, **change}
    with pytest.raises(UserError, match=re.escape(message)) as info:
        _load(spec)
    assert "\n" not in str(info.value)


def test_missing_key() -> None:
    with pytest.raises(UserError, match="--spec: 'seed' is required"):
        _load({"source": "builtin", "split": "train", "n": 3})
