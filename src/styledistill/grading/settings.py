"""grade settings: which grader (by name, per dataset or benchmark) and the time limit of one grade."""

from __future__ import annotations

from typing import Annotated

from styledistill.grading.graders import DEFAULT_GRADER, GRADERS
from styledistill.settings import Field, Float, Settings, one_of

GraderName = Annotated[str, one_of(GRADERS, "grader")]


class GraderChoice(Settings):
    """How a dataset's answers are graded (a dataset entry is its problem source's settings plus this)."""

    grader: GraderName | None = Field(
        None, description="how answers are graded (grading/graders.py): math, integer (AIME/AMC), number (GSM8K), "
        "choice (multiple choice); null: the source's grader (a preset's own, else math)")


class GradeLimits(Settings):
    seconds: Float = Field(
        10.0, gt=0, le=3600, description="time limit of one grade; over it the grade is wrong, with status timeout "
        "(counted)")


class GradeSettings(GradeLimits):
    """One grading job: the grader and its time limit."""

    grader: GraderName = DEFAULT_GRADER
