"""Pivot matching: case-insensitive, whole words, multi-word phrases across line breaks, positions recorded."""

from __future__ import annotations

import json

import pytest

from styledistill.style import lexicon
from styledistill.style.pivots import PivotMatcher, decode_spans


@pytest.fixture(scope="module")
def matcher() -> PivotMatcher:
    return PivotMatcher(lexicon.default())


def found(matcher: PivotMatcher, text: str) -> list[tuple[str, str, str]]:
    return [(p.kind, p.phrase, text[p.start : p.end]) for p in matcher.find(text)]


def test_pivot_at_line_start_with_position(matcher):
    text = "So x = 3.\nWait, that breaks the second equation."
    [pivot] = matcher.find(text)
    assert (pivot.kind, pivot.phrase, pivot.start, pivot.end) == ("realization", "wait", 10, 14)


def test_no_match_inside_words(matcher):
    text = "Although I awaited the result, it was fine though. Ohm's law holds; the shhmm sound; factually so."
    assert matcher.find(text) == []


def test_inflected_forms_are_not_the_phrase(matcher):
    # Whole-word matching: "waiting" is not the pivot "wait".
    assert matcher.find("I was waiting; he waits.") == []


def test_case_insensitive(matcher):
    assert [k for k, _, _ in found(matcher, "WAIT. Hmm. ACTUALLY no. Oh!")] == ["realization"] * 4


def test_multi_word_pivot_across_line_break(matcher):
    text = "OK so let me\n  check: 2 + 2 = 4. Putting this\n\ntogether, x = 4."
    assert found(matcher, text) == [
        ("verification", "let me check", "let me\n  check"),
        ("integration", "putting this together", "Putting this\n\ntogether"),
    ]


def test_no_pivots(matcher):
    assert matcher.find("The sum of 2 and 3 is 5. So the answer is 5.") == []


def test_longest_phrase_wins_and_matches_do_not_overlap():
    lex = lexicon.validate({"realization": ["wait"], "verification": ["check", "let me check"],
                            "exploration": ["what if"], "integration": ["so"]})
    pivots = PivotMatcher(lex).find("Let me check it. Then check again.")
    assert [(p.phrase, p.start) for p in pivots] == [("let me check", 0), ("check", 22)]


def test_curly_apostrophe_and_display_spelling():
    lex = lexicon.validate({"realization": ["I missed"], "verification": ["let's verify"],
                            "exploration": ["what if"], "integration": ["now I see"]})
    pivots = PivotMatcher(lex).find("Let’s verify. i MISSED a sign. Now i see.")
    assert [(p.kind, p.phrase) for p in pivots] == [
        ("verification", "let's verify"), ("realization", "I missed"), ("integration", "now I see")]


def test_regex_metacharacters_in_phrases_are_literal():
    lex = lexicon.validate({"realization": ["wait..."], "verification": ["(check)"],
                            "exploration": ["a+b"], "integration": ["so"]})
    assert [p.phrase for p in PivotMatcher(lex).find("wait... (check) aab a+b")] == ["wait...", "(check)", "a+b"]


def test_decode_spans():
    assert list(decode_spans([json.dumps([[0, 4, "realization", "wait"]]), "[]", None])) == [
        [[0, 4, "realization", "wait"]], [], []]


@pytest.mark.parametrize(("text", "found"), [
    ("Actually, that's wrong.", ["actually"]),
    ("They actually paid 5 dollars.", []),
    ("So, actually, it is 5.", ["actually"]),  # opens a clause
    ("\n**Actually** the sum is 5.", ["actually"]),  # emphasis and line breaks are skipped
    ("Wait, that is 5. I waited.", ["wait"]),
    ("It is maybe 5. Maybe I can factor it.", ["maybe"]),
])
def test_position_rules(text, found):
    rules = {"actually": ("opens",), "wait": ("opens",), "maybe": ("opens",)}
    lex = lexicon.validate({"realization": ["wait", "actually"], "verification": ["let me check"],
                            "exploration": ["maybe"], "integration": ["now I see"]})
    assert [p.phrase for p in PivotMatcher(lex, rules).find(text)] == found


def test_comma_rule():
    lex = lexicon.validate({"realization": ["wait"], "verification": ["let me check"], "exploration": ["maybe"],
                            "integration": ["so"]})
    matcher = PivotMatcher(lex, {"so": ("opens", "comma")})
    assert [p.start for p in matcher.find("So, x is 5. So x is 5. It is so, indeed.")] == [0]  # both rules
