"""Stage grade: extract a model's final answer and compare it with the gold answer (math-verify).

`answers` grades one answer (`grade_answer`, `Grade`); `pool` grades many in a process pool (`grade_many`).
Nothing heavy is imported here: math-verify (and sympy) load on the first comparison that needs them.
"""
