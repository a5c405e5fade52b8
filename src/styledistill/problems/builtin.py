"""The project's own seeded generator of arithmetic and algebra word problems with exact integer answers.

    {"source": "builtin", "split": "train", "seed": 0, "n": 200, "levels": [1, 2, 3]}

Levels: 0 = one operation stated as plain arithmetic (within reach of the embedded 135M model); 1 = one step;
2 = two steps; 3 = three steps or a linear equation with an integer solution; 4 = harder
multi-step problems (rates, percentages with integer results, systems of two equations).

Train and test never share a question, by construction:
- the problem space is partitioned by a hash of the normalised question text: questions whose bucket falls in
  `range(TEST_BUCKETS)` (of `BUCKETS`) belong to test, all others to train, and each split keeps only its own;
- each split draws from its own random stream (numpy `SeedSequence(seed, spawn_key=(split, level))`), so the two
  splits are not even built from the same draws;
- questions are deduplicated within a dataset.

The output is a function of the spec alone. Each level has its own stream, so the problems of one level do not
depend on which other levels are asked for, and a smaller `n` gives a prefix of a larger one (per level).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, NamedTuple

import numpy as np

from styledistill.errors import UserError
from styledistill.problems.settings import BuiltinSource

BUCKETS = 1000
TEST_BUCKETS = 250  # questions hashing into buckets 0..249 are test-only; 250..999 train-only
SPLIT_STREAM = {"train": 0, "test": 1}
MAX_ATTEMPTS = 5000  # draws per problem before the level's space counts as exhausted


# ----------------------------------------------------------------------------------------------------------------
# Vocabulary

@dataclass(frozen=True)
class Person:
    name: str
    subj: str  # she / he
    poss: str  # her / his
    child: str  # daughter / son (when this person is someone's child)

    @property
    def Subj(self) -> str:  # noqa: N802 -- sentence-initial pronoun
        return self.subj.capitalize()


@dataclass(frozen=True)
class Thing:
    one: str
    many: str


_FEMALE = ["Maya", "Sofia", "Aisha", "Chloe", "Priya", "Elena", "Hannah", "Mei", "Zara", "Olivia", "Fatima",
           "Lucia", "Grace", "Amara", "Nora", "Yuki", "Ingrid", "Rosa"]
_MALE = ["Liam", "Omar", "Diego", "Noah", "Ravi", "Lucas", "Ethan", "Kenji", "Mateo", "Samuel", "Jamal", "Felix",
         "Arjun", "Tomas", "Leo", "Hugo", "Kwame", "Ivan"]
PEOPLE = [Person(n, "she", "her", "daughter") for n in _FEMALE] + [Person(n, "he", "his", "son") for n in _MALE]

THINGS = [Thing(*pair) for pair in [
    ("apple", "apples"), ("marble", "marbles"), ("sticker", "stickers"), ("pencil", "pencils"), ("book", "books"),
    ("cookie", "cookies"), ("seashell", "seashells"), ("stamp", "stamps"), ("trading card", "trading cards"),
    ("toy car", "toy cars"), ("bead", "beads"), ("crayon", "crayons"), ("orange", "oranges"),
    ("balloon", "balloons"), ("postcard", "postcards"), ("button", "buttons"), ("plum", "plums"),
    ("comic book", "comic books"), ("pinecone", "pinecones"), ("puzzle piece", "puzzle pieces"),
]]
CONTAINERS = [Thing(*pair) for pair in [
    ("box", "boxes"), ("bag", "bags"), ("jar", "jars"), ("basket", "baskets"), ("crate", "crates"), ("tin", "tins"),
]]
ITEMS = [Thing(*pair) for pair in [
    ("notebook", "notebooks"), ("sandwich", "sandwiches"), ("movie ticket", "movie tickets"), ("pen", "pens"),
    ("T-shirt", "T-shirts"), ("mug", "mugs"), ("potted plant", "potted plants"), ("toy robot", "toy robots"),
    ("lunch box", "lunch boxes"), ("jigsaw puzzle", "jigsaw puzzles"), ("scarf", "scarves"), ("kite", "kites"),
]]
BIG_ITEMS = ["bicycle", "jacket", "guitar", "tent", "printer", "camera", "desk chair", "pair of boots"]
BAKED = ["muffins", "cookies", "bread rolls", "croissants", "bagels", "cupcakes"]


class Draw:
    """Random choices for templates, on one numpy Generator."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def int(self, low: int, high: int, step: int = 1) -> int:
        """A uniform integer in [low, high] (inclusive) on the grid low, low+step, ..."""
        return low + step * int(self.rng.integers(0, (high - low) // step + 1))

    def pick(self, options: Sequence[Any]) -> Any:
        return options[int(self.rng.integers(0, len(options)))]

    def people(self, k: int) -> list[Person]:
        return [PEOPLE[i] for i in self.rng.choice(len(PEOPLE), size=k, replace=False)]

    def person(self) -> Person:
        return self.pick(PEOPLE)

    def things(self, k: int, pool: Sequence[Thing] = THINGS) -> list[Thing]:
        return [pool[i] for i in self.rng.choice(len(pool), size=k, replace=False)]

    def thing(self) -> Thing:
        return self.pick(THINGS)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


class Step(NamedTuple):
    """One step of a worked solution: an expression and its value (an integer or a terminating decimal)."""

    expr: str
    value: str


class Solved(NamedTuple):
    question: str
    answer: int
    steps: list[Step]


def step(expr: str, value: int | Fraction) -> Step:
    return Step(expr, number(value))


def number(value: int | Fraction) -> str:
    """An integer, or a fraction with a terminating decimal expansion, written out ("22.5")."""
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    digits = 0
    while (value * 10**digits).denominator != 1:
        digits += 1
    return f"{float(value):.{digits}f}"


def _split_add(a: int, b: int, sign: str) -> list[Step]:
    """a + b (or a - b) the way one does it in one's head: the tens of b, then its units."""
    tens, units = b // 10 * 10, b % 10
    apply = (lambda x, y: x + y) if sign == "+" else (lambda x, y: x - y)
    if tens == 0 or units == 0:
        return [step(f"{a} {sign} {b}", apply(a, b))]
    middle = apply(a, tens)
    return [step(f"{a} {sign} {tens}", middle), step(f"{middle} {sign} {units}", apply(middle, units))]


def _split_multiply(a: int, b: int) -> list[Step]:
    """a × b as the tens and units of the larger factor times the other, then their sum."""
    big, small = max(a, b), min(a, b)
    tens, units = big // 10 * 10, big % 10
    if tens == 0 or units == 0:
        return [step(f"{a} × {b}", a * b)]
    return [step(f"{tens} × {small}", tens * small), step(f"{units} × {small}", units * small),
            step(f"{tens * small} + {units * small}", a * b)]


def _search(draw: Draw, sample: Callable[[], Solved | None]) -> Solved:
    """Redraw until `sample` finds numbers that give an exact integer answer."""
    for _ in range(1000):
        found = sample()
        if found is not None:
            return found
    raise RuntimeError("template found no integer instance in 1000 draws")


Template = Callable[[Draw], Solved]


# ----------------------------------------------------------------------------------------------------------------
# Level 0: one operation, plain arithmetic

def l0_add(d: Draw) -> Solved:
    a, b = d.int(2, 99), d.int(2, 99)
    return Solved(d.pick([f"What is {a} + {b}?", f"What is the sum of {a} and {b}?"]), a + b, _split_add(a, b, "+"))


def l0_subtract(d: Draw) -> Solved:
    a = d.int(20, 99)
    b = d.int(2, a - 1)
    return Solved(d.pick([f"What is {a} - {b}?", f"What is {a} minus {b}?"]), a - b, _split_add(a, b, "-"))


def l0_multiply(d: Draw) -> Solved:
    a, b = d.int(2, 40), d.int(2, 15)
    return Solved(d.pick([f"What is {a} times {b}?", f"What is the product of {a} and {b}?"]), a * b,
                  _split_multiply(a, b))


def l0_divide(d: Draw) -> Solved:
    b, q = d.int(2, 15), d.int(2, 40)
    return Solved(d.pick([f"What is {b * q} divided by {b}?", f"What is {b * q} / {b}?"]), q,
                  [step(f"{b} × {q}", b * q), step(f"{b * q} ÷ {b}", q)])


# ----------------------------------------------------------------------------------------------------------------
# Level 1: one step

def l1_more(d: Draw) -> Solved:
    p, t = d.person(), d.thing()
    a, b = d.int(5, 60), d.int(2, 40)
    verb = d.pick(["buys", "gets", "finds", "is given"])
    ask = d.pick([f"How many {t.many} does {p.name} have now?", f"How many {t.many} does {p.subj} have in total?"])
    return Solved(f"{p.name} has {a} {t.many} and {verb} {b} more. {ask}", a + b, [step(f"{a} + {b}", a + b)])


def l1_give(d: Draw) -> Solved:
    p, q = d.people(2)
    t = d.thing()
    a = d.int(10, 80)
    b = d.int(2, a - 2)
    return Solved(f"{p.name} had {a} {t.many}. {p.Subj} gave {b} of them to {q.name}. "
                  f"How many {t.many} does {p.name} have left?", a - b, [step(f"{a} - {b}", a - b)])


def l1_groups(d: Draw) -> Solved:
    c, t = d.pick(CONTAINERS), d.thing()
    a, b = d.int(2, 12), d.int(3, 15)
    place = d.pick(["on the shelf", "in the storeroom", "on the table", "in the classroom"])
    return Solved(f"There are {a} {c.many} {place}, and each {c.one} holds {b} {t.many}. "
                  f"How many {t.many} are there altogether?", a * b, [step(f"{a} × {b}", a * b)])


def l1_share(d: Draw) -> Solved:
    p, t = d.person(), d.thing()
    k, each = d.int(2, 9), d.int(2, 15)
    who = d.pick(["friends", "classmates", "cousins", "teammates"])
    return Solved(f"{p.name} shares {k * each} {t.many} equally among {k} {who}. "
                  f"How many {t.many} does each of them get?", each, [step(f"{k * each} ÷ {k}", each)])


def l1_price(d: Draw) -> Solved:
    item = d.pick(ITEMS)
    price, n = d.int(2, 25), d.int(2, 12)
    return Solved(f"One {item.one} costs ${price}. How much do {n} {item.many} cost, in dollars?", price * n,
                  [step(f"{n} × {price}", price * n)])


def l1_compare(d: Draw) -> Solved:
    p, q = d.people(2)
    a = d.int(25, 150)
    b = d.int(5, a - 3)
    when = d.pick(["this week", "over the weekend", "during the holidays", "last month"])
    return Solved(f"{p.name} read {a} pages {when} and {q.name} read {b} pages. "
                  f"How many more pages did {p.name} read than {q.name}?", a - b, [step(f"{a} - {b}", a - b)])


# ----------------------------------------------------------------------------------------------------------------
# Level 2: two steps

def l2_buy_then_give(d: Draw) -> Solved:
    p, q = d.people(2)
    t = d.thing()
    a, b = d.int(10, 60), d.int(2, 30)
    c = d.int(2, a + b - 2)
    return Solved(f"{p.name} has {a} {t.many}. {p.Subj} buys {b} more and then gives {c} to {q.name}. "
                  f"How many {t.many} does {p.name} have now?", a + b - c,
                  [step(f"{a} + {b}", a + b), step(f"{a + b} - {c}", a + b - c)])


def l2_packs(d: Draw) -> Solved:
    p, t = d.person(), d.thing()
    m, n, k = d.int(1, 30), d.int(2, 9), d.int(3, 12)
    return Solved(f"{p.name} already owns {m} {t.many}. {p.Subj} buys {n} packs with {k} {t.many} in each pack. "
                  f"How many {t.many} does {p.subj} own now?", m + n * k,
                  [step(f"{n} × {k}", n * k), step(f"{m} + {n * k}", m + n * k)])


def l2_money_left(d: Draw) -> Solved:
    p, item = d.person(), d.pick(ITEMS)
    price, n = d.int(2, 20), d.int(2, 8)
    cost = price * n
    budget = next(x for x in (20, 50, 100, 200) if x > cost)
    return Solved(f"{p.name} has ${budget}. {p.Subj} buys {n} {item.many} that cost ${price} each. "
                  f"How much money does {p.subj} have left, in dollars?", budget - cost,
                  [step(f"{n} × {price}", cost), step(f"{budget} - {cost}", budget - cost)])


def l2_bakery(d: Draw) -> Solved:
    food = d.pick(BAKED)
    trays, per = d.int(2, 8), d.int(6, 24)
    sold = d.int(3, trays * per - 1)
    shop = d.pick(["A bakery", "A café", "The school canteen", "A market stall"])
    return Solved(f"{shop} bakes {trays} trays of {food} with {per} on each tray. By noon it has sold {sold} of "
                  f"them. How many {food} are left?", trays * per - sold,
                  [step(f"{trays} × {per}", trays * per), step(f"{trays * per} - {sold}", trays * per - sold)])


def l2_pick_and_pack(d: Draw) -> Solved:
    p, t = d.person(), d.thing()
    c, each = d.int(2, 8), d.int(3, 15)
    total = c * each
    a = d.int(1, total - 1)
    c_box = d.pick(CONTAINERS)
    return Solved(f"{p.name} collected {a} {t.many} in the morning and {total - a} in the afternoon. "
                  f"{p.Subj} puts them equally into {c} {c_box.many}. How many {t.many} go into each {c_box.one}?",
                  each, [step(f"{a} + {total - a}", total), step(f"{total} ÷ {c}", each)])


def l2_times_as_many(d: Draw) -> Solved:
    p, q = d.people(2)
    t = d.thing()
    a, k = d.int(3, 30), d.int(2, 6)
    times = "twice" if k == 2 else f"{k} times"
    return Solved(f"{q.name} has {a} {t.many}. {p.name} has {times} as many {t.many} as {q.name}. "
                  f"How many {t.many} do they have together?", a + k * a,
                  [step(f"{k} × {a}", k * a), step(f"{a} + {k * a}", a + k * a)])


# ----------------------------------------------------------------------------------------------------------------
# Level 3: three steps, or a linear equation with an integer solution

def l3_think_of_number(d: Draw) -> Solved:
    p = d.person()
    x, a, b = d.int(2, 40), d.int(2, 9), d.int(1, 50)
    if a * x > b and d.int(0, 1):
        return Solved(f"{p.name} thinks of a number, multiplies it by {a}, and then subtracts {b}. The result is "
                      f"{a * x - b}. What number did {p.name} think of?", x,
                      [step(f"{a * x - b} + {b}", a * x), step(f"{a * x} ÷ {a}", x)])
    return Solved(f"{p.name} thinks of a number, multiplies it by {a}, and then adds {b}. The result is "
                  f"{a * x + b}. What number did {p.name} think of?", x,
                  [step(f"{a * x + b} - {b}", a * x), step(f"{a * x} ÷ {a}", x)])


def l3_gyms(d: Draw) -> Solved:
    months, cheap, diff = d.int(2, 24), d.int(10, 40), d.int(2, 15)
    fee_b = d.int(0, 50, 5)
    fee_a = fee_b + diff * months
    place = d.pick([("gym", "Gym"), ("phone plan", "Plan"), ("music school", "School"), ("club", "Club")])
    b_fee = (f"has no joining fee and charges ${cheap + diff} per month" if fee_b == 0
             else f"charges a ${fee_b} joining fee plus ${cheap + diff} per month")
    return Solved(f"{place[1]} A charges a ${fee_a} joining fee plus ${cheap} per month. {place[1]} B {b_fee}. "
                  f"After how many months will the total cost be the same for both?", months,
                  [step(f"{fee_a} - {fee_b}", fee_a - fee_b), step(f"{cheap + diff} - {cheap}", diff),
                   step(f"{fee_a - fee_b} ÷ {diff}", months)])


def l3_change(d: Draw) -> Solved:
    p = d.person()
    first, second = d.things(2, ITEMS)
    n1, p1, n2, p2 = d.int(2, 6), d.int(2, 15), d.int(2, 6), d.int(2, 15)
    cost = n1 * p1 + n2 * p2
    bill = next(x for x in (20, 50, 100, 200) if x > cost)
    return Solved(f"{p.name} buys {n1} {first.many} at ${p1} each and {n2} {second.many} at ${p2} each. "
                  f"{p.Subj} pays with a ${bill} bill. How much change does {p.subj} get, in dollars?", bill - cost,
                  [step(f"{n1} × {p1}", n1 * p1), step(f"{n2} × {p2}", n2 * p2),
                   step(f"{n1 * p1} + {n2 * p2}", cost), step(f"{bill} - {cost}", bill - cost)])


def l3_library(d: Draw) -> Solved:
    start = d.int(100, 600)
    lent = d.int(10, start // 2)
    back = d.int(5, lent)
    bought = d.int(5, 60)
    place, thing = d.pick([("A library", "books"), ("A toy library", "games"), ("A film club", "DVDs")])
    return Solved(f"{place} had {start} {thing}. On Monday it lent out {lent} {thing}, on Tuesday {back} {thing} "
                  f"were returned, and on Wednesday it bought {bought} new {thing}. How many {thing} does it have "
                  f"now?", start - lent + back + bought,
                  [step(f"{start} - {lent}", start - lent), step(f"{start - lent} + {back}", start - lent + back),
                   step(f"{start - lent + back} + {bought}", start - lent + back + bought)])


def l3_ages(d: Draw) -> Solved:
    parent, child = d.people(2)
    age, k, years = d.int(3, 15), d.int(2, 5), d.int(1, 10)
    total = (k * age + years) + (age + years)
    return Solved(f"{parent.name} is {k} times as old as {parent.poss} {child.child} {child.name}. In {years} "
                  f"years, the sum of their ages will be {total}. How old is {child.name} now?", age,
                  [step(f"{total} - 2 × {years}", total - 2 * years), step(f"{k} + 1", k + 1),
                   step(f"{total - 2 * years} ÷ {k + 1}", age)])


def l3_tickets(d: Draw) -> Solved:
    p = d.person()
    adult = d.int(8, 20)
    kid = d.int(3, adult - 2)
    n_adult, n_kid = d.int(1, 4), d.int(1, 6)
    total = n_adult * adult + n_kid * kid
    venue = d.pick(["the zoo", "the museum", "the aquarium", "the science fair"])
    return Solved(f"At {venue}, an adult ticket costs ${adult} and a child ticket costs ${kid}. {p.name} buys "
                  f"{_count(n_adult, 'adult ticket', 'adult tickets')} and some child tickets for ${total} in "
                  f"total. How many child tickets did {p.subj} buy?", n_kid,
                  [step(f"{n_adult} × {adult}", n_adult * adult), step(f"{total} - {n_adult * adult}", n_kid * kid),
                   step(f"{n_kid * kid} ÷ {kid}", n_kid)])


# ----------------------------------------------------------------------------------------------------------------
# Level 4: rates, percentages with integer results, systems

def l4_together(d: Draw) -> Solved:
    t = d.pick([k for k in range(2, 25) if any(k % m == 0 for m in range(2, 7))])
    m = d.pick([k for k in range(2, 7) if t % k == 0])
    slow, fast = t * (1 + m), t + t // m  # slow*fast/(slow+fast) == t
    p, q = d.people(2)
    job = d.pick([
        (f"One hose can fill {p.name}'s pool in {slow} hours, and a second hose can fill it in {fast} hours. If "
         "both hoses are used together, how many hours will it take to fill the pool?"),
        (f"{p.name} can paint a fence in {slow} hours, and {q.name} can paint the same fence in {fast} hours. "
         "Working together, how many hours will they take to paint the fence?"),
        (f"At {p.name}'s office, one printer prints a batch of flyers in {slow} minutes and a faster printer "
         f"prints the same batch in "
         f"{fast} minutes. How many minutes do the two printers take to print one batch together?"),
        (f"Working alone, {p.name} needs {slow} minutes to fold a stack of letters, while {q.name} needs {fast} "
         f"minutes. How many minutes will it take them to fold the stack if they work together?"),
    ])
    return Solved(job, t, [step(f"{slow} × {fast}", slow * fast), step(f"{slow} + {fast}", slow + fast),
                           step(f"{slow * fast} ÷ {slow + fast}", t)])


def l4_percent_sold(d: Draw) -> Solved:
    t = d.thing()

    def sample() -> Solved | None:
        n, p1, p2 = d.int(40, 800, 10), d.int(10, 60, 5), d.int(10, 60, 5)
        first = Fraction(n * p1, 100)
        rest = n - first
        second = rest * Fraction(p2, 100)
        if first.denominator != 1 or second.denominator != 1:
            return None
        return Solved(f"A shop had {n} {t.many}. On Monday it sold {p1}% of them, and on Tuesday it sold {p2}% of "
                      f"the ones that were left. How many {t.many} does the shop have now?", int(rest - second),
                      [step(f"{n} × {p1} ÷ 100", first), step(f"{n} - {number(first)}", rest),
                       step(f"{number(rest)} × {p2} ÷ 100", second),
                       step(f"{number(rest)} - {number(second)}", rest - second)])

    return _search(d, sample)


def l4_heads_and_legs(d: Draw) -> Solved:
    small, big = d.int(2, 40), d.int(2, 30)
    kind = d.pick([("chickens", "cows", "heads", "legs", 2, 4), ("ducks", "goats", "heads", "legs", 2, 4),
                   ("bicycles", "tricycles", "vehicles", "wheels", 2, 3), ("cars", "motorbikes", "vehicles",
                                                                          "wheels", 4, 2)])
    a_name, b_name, heads, legs, a_legs, b_legs = kind
    place = "farm" if heads == "heads" else "car park"
    if place == "farm":
        intro = f"A farm has only {a_name} and {b_name}. Together they have {small + big} heads and "
    else:
        intro = f"A {place} holds only {a_name} and {b_name}: {small + big} vehicles with "
    ask_big = d.int(0, 1)
    total, count = small + big, a_legs * small + b_legs * big
    # suppose every one had the fewer legs; the extra legs belong to the others
    few, many = min(a_legs, b_legs), max(a_legs, b_legs)
    more = big if b_legs > a_legs else small
    steps = [step(f"{total} × {few}", total * few), step(f"{count} - {total * few}", count - total * few),
             step(f"{count - total * few} ÷ {many - few}", more)]
    if (more == big) != bool(ask_big):
        steps.append(step(f"{total} - {more}", total - more))
    return Solved(f"{intro}{count} {legs} in all. How many {b_name if ask_big else a_name} are there?",
                  big if ask_big else small, steps)


def l4_two_purchases(d: Draw) -> Solved:
    p, q = d.people(2)
    first, second = d.things(2, ITEMS)

    def sample() -> Solved | None:
        x, y = d.int(1, 9), d.int(2, 15)
        a1, b1, a2, b2 = d.int(1, 6), d.int(1, 6), d.int(1, 6), d.int(1, 6)
        if x == y or a1 * b2 == a2 * b1:
            return None
        paid1, paid2 = a1 * x + b1 * y, a2 * x + b2 * y
        # scale both purchases to the same number of the first item; the difference is in the second alone
        left, right = sorted([(a2 * paid1, a2 * b1), (a1 * paid2, a1 * b2)])
        return Solved(f"{p.name} pays ${paid1} for {_count(a1, first.one, first.many)} and "
                      f"{_count(b1, second.one, second.many)}. At the same shop, {q.name} pays ${paid2} for "
                      f"{_count(a2, first.one, first.many)} and {_count(b2, second.one, second.many)}. "
                      f"How much does one {second.one} cost, in dollars?", y,
                      [step(f"{a2} × {paid1}", a2 * paid1), step(f"{a1} × {paid2}", a1 * paid2),
                       step(f"{right[0]} - {left[0]}", right[0] - left[0]),
                       step(f"{right[1]} - {left[1]}", right[1] - left[1]),
                       step(f"{right[0] - left[0]} ÷ {right[1] - left[1]}", y)])

    return _search(d, sample)


def l4_discount_tax(d: Draw) -> Solved:
    p, item = d.person(), d.pick(BIG_ITEMS)

    def sample() -> Solved | None:
        price, off, tax = d.int(20, 400, 5), d.int(10, 50, 5), d.int(5, 20, 5)
        sale = Fraction(price) * Fraction(100 - off, 100)
        final = sale * Fraction(100 + tax, 100)
        if final.denominator != 1:
            return None
        return Solved(f"A {item} normally costs ${price}. During a sale its price is cut by {off}%, and then a "
                      f"{tax}% sales tax is added to the sale price. How much does {p.name} pay for the {item}, in "
                      f"dollars?", int(final),
                      [step(f"{price} × {100 - off} ÷ 100", sale), step(f"{number(sale)} × {100 + tax} ÷ 100", final)])

    return _search(d, sample)


def l4_workers(d: Draw) -> Solved:
    def sample() -> Solved | None:
        n1, days, n2 = d.int(2, 12), d.int(2, 30), d.int(2, 24)
        if n1 == n2 or (n1 * days) % n2:
            return None
        task = d.pick(["build a wall", "paint a school", "harvest an orchard", "lay a garden path"])
        return Solved(f"{n1} workers can {task} in {days} days. Working at the same rate, how many days would {n2} "
                      f"workers need to do the same job?", n1 * days // n2,
                      [step(f"{n1} × {days}", n1 * days), step(f"{n1 * days} ÷ {n2}", n1 * days // n2)])

    return _search(d, sample)


def l4_average_speed(d: Draw) -> Solved:
    vehicle = d.pick(["A train", "A bus", "A truck", "A ferry"])

    def sample() -> Solved | None:
        v1, t1, v2, t2 = d.int(30, 90, 5), d.int(1, 5), d.int(30, 90, 5), d.int(1, 5)
        distance = v1 * t1 + v2 * t2
        if v1 == v2 or distance % (t1 + t2):
            return None
        return Solved(f"{vehicle} travels for {_count(t1, 'hour', 'hours')} at {v1} km per hour and then for "
                      f"{_count(t2, 'hour', 'hours')} at {v2} km per hour. What is its average speed for the whole "
                      f"trip, in km per hour?", distance // (t1 + t2),
                      [step(f"{v1} × {t1}", v1 * t1), step(f"{v2} × {t2}", v2 * t2),
                       step(f"{v1 * t1} + {v2 * t2}", distance), step(f"{t1} + {t2}", t1 + t2),
                       step(f"{distance} ÷ {t1 + t2}", distance // (t1 + t2))])

    return _search(d, sample)


def l4_price_change(d: Draw) -> Solved:
    item = d.pick(BIG_ITEMS)

    def sample() -> Solved | None:
        price, up, down = d.int(20, 500, 10), d.int(5, 50, 5), d.int(5, 50, 5)
        raised = Fraction(price) * Fraction(100 + up, 100)
        final = raised * Fraction(100 - down, 100)
        if final.denominator != 1:
            return None
        return Solved(f"The price of a {item} was ${price}. The price went up by {up}%, and later the new price "
                      f"went down by {down}%. What is the price now, in dollars?", int(final),
                      [step(f"{price} × {100 + up} ÷ 100", raised),
                       step(f"{number(raised)} × {100 - down} ÷ 100", final)])

    return _search(d, sample)


TEMPLATES: dict[int, list[Template]] = {
    0: [l0_add, l0_subtract, l0_multiply, l0_divide],
    1: [l1_more, l1_give, l1_groups, l1_share, l1_price, l1_compare],
    2: [l2_buy_then_give, l2_packs, l2_money_left, l2_bakery, l2_pick_and_pack, l2_times_as_many],
    3: [l3_think_of_number, l3_gyms, l3_change, l3_library, l3_ages, l3_tickets],
    4: [l4_together, l4_percent_sold, l4_heads_and_legs, l4_two_purchases, l4_discount_tax, l4_workers,
        l4_average_speed, l4_price_change],
}


# ----------------------------------------------------------------------------------------------------------------
# The split partition and the generator

def normalise_question(question: str) -> str:
    return re.sub(r"\s+", " ", question.strip().lower())


def bucket(question: str) -> int:
    digest = hashlib.sha256(normalise_question(question).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % BUCKETS


def split_of_question(question: str) -> str:
    """The one split a question may ever appear in."""
    return "test" if bucket(question) < TEST_BUCKETS else "train"


def problem_id(question: str) -> str:
    return "b-" + hashlib.sha256(question.encode("utf-8")).hexdigest()[:12]


def stream(seed: int, split: str, level: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(SPLIT_STREAM[split], level)))


def generate(split: str, seed: int, n: int, levels: Sequence[int]) -> list[dict[str, Any]]:
    """`n` distinct problems of `split`, levels in turn (levels[0], levels[1], ..., levels[0], ...)."""
    draws = {level: Draw(stream(seed, split, level)) for level in levels}
    seen: set[str] = set()
    problems = []
    for index in range(n):
        level = levels[index % len(levels)]
        draw = draws[level]
        for _ in range(MAX_ATTEMPTS):
            question, answer, steps = draw.pick(TEMPLATES[level])(draw)
            key = normalise_question(question)
            if key not in seen and split_of_question(question) == split:
                break
        else:
            raise UserError(f"--spec: stage: builtin: could not draw a new level-{level} {split} problem after "
                            f"{MAX_ATTEMPTS} tries ({len(problems)} made); ask for fewer")
        seen.add(key)
        problems.append({"problem_id": problem_id(question), "question": question, "answer": str(int(answer)),
                         "level": level, "source": f"builtin:{seed}", "split": split,
                         "solution": json.dumps([list(s) for s in steps], ensure_ascii=False)})
    return problems


def load(spec: BuiltinSource, cache_dir: str | None = None) -> list[dict[str, Any]]:
    return generate(spec.split, spec.seed, spec.n, spec.levels)
