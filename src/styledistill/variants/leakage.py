"""Does a synthetic trace give away that its writer was told the answer? A trace that says so teaches a student to
expect the answer, not to reason to it: such traces are rejected (status answer_leaked) and regenerated."""

from __future__ import annotations

import re

ANSWER = r"(?:correct |final |right |expected )?(?:final )?answer"
# Phrases that speak of the answer as given to the writer; each was checked against real R1 traces (none match).
LEAK_PATTERNS = re.compile("|".join([
    rf"\b(?:we|i|you)(?:'re|'ve| are| have been| am| were| was)? (?:told|given) (?:that )?(?:the )?{ANSWER}",
    rf"\b(?:the )?{ANSWER} (?:is|was) (?:given|provided|stated|supplied|told)\b",
    rf"\b(?:the )?(?:problem|hint|prompt|question|instructions?) (?:says|said|tells us|told us|states|stated|gives|"
    rf"gave) (?:that )?(?:the )?{ANSWER}",
    r"\b(?:according to|from|as in|given|as) the hint\b",
    rf"\b(?:the )?{ANSWER} (?:we were|I was|you were) (?:given|told)\b",
    rf"\bwork(?:ing)? backwards? from the (?:given |known )?{ANSWER}\b",
    rf"\b(?:since|as) we (?:already )?know the {ANSWER} is\b",
]), re.IGNORECASE)


def mentions_given_answer(text: str) -> bool:
    return LEAK_PATTERNS.search(text) is not None
