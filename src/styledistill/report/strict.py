"""Strict scores beside the lenient ones, from the evaluations' samples (no output is graded again): a truncated
output is wrong, and so is one whose answer was found only by a fallback (the last number or expression of the text,
or an option's text quoted), as long-reasoning evaluations count them; plus the share of outputs with no answer the
grader could extract."""

from __future__ import annotations

from typing import Any

import pandas as pd

from styledistill.evaluation.scoring import mean_stderr
from styledistill.report.tables import ID_COLUMNS, seed_label

# grade_method values (grading/graders.py, grading/choice.py) that take an answer the output never stated as one
FALLBACK_METHODS = frozenset({"last_number", "last_math", "option_text"})
NO_ANSWER = "none"
STRICT = "strict_correct"  # the samples' column this module adds


def with_strict(samples: pd.DataFrame) -> pd.DataFrame:
    """The samples with a `strict_correct` column."""
    stated = ~samples["grade_method"].isin(FALLBACK_METHODS | {NO_ANSWER})
    correct = samples["correct"].fillna(False).astype(bool)
    return samples.assign(**{STRICT: correct & ~samples["truncated"].fillna(False).astype(bool) & stated})


def strict_scores(evaluations: list[dict[str, Any]]) -> pd.DataFrame:
    """Per evaluation (its labels): strict pass@1 (%) ± its standard error over problems, and the share (%) of
    outputs without an extractable answer."""
    rows = []
    for evaluation in evaluations:
        samples = evaluation["samples"]
        mean, stderr = mean_stderr(samples.groupby("problem_id")[STRICT].mean().to_numpy(dtype=float))
        rows.append({**{k: evaluation.get(k) or "" for k in ID_COLUMNS}, "seed": seed_label(evaluation.get("seed")),
                     "pass@1_strict": mean, "pass@1_strict_stderr": stderr,
                     "no_answer_share": float((samples["grade_method"] == NO_ANSWER).mean() * 100)
                     if len(samples) else float("nan")})
    return pd.DataFrame(rows, columns=[*ID_COLUMNS, "pass@1_strict", "pass@1_strict_stderr", "no_answer_share"])
