"""Stage grade: find a model's final answer and compare it with the gold answer, with a grader chosen by name.

`graders` (the registry: math, integer, number, choice; `grade`), `extract` (bounded answer finding), `numbers`
(exact values), `math_compare` (math-verify), `choice`, `second_opinion` (an independent grader), `pool` (many
grades with hard time limits, `grade_many`), `audit` (the grade columns, counts, disagreements). Nothing heavy is
imported here: math-verify (and sympy) load on the first comparison that needs them.
"""
