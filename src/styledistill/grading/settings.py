"""grade settings: which grader (by name, per dataset or benchmark) and the time limit of one grade."""

from __future__ import annotations

from typing import Annotated

from styledistill.grading.graders import DEFAULT_GRADER, GRADERS
from styledistill.settings import Field, Float, Settings, one_of

GraderName = Annotated[str, one_of(GRADERS, "grader")]


class GraderChoice(Settings):
    """How a dataset's answers are graded (a dataset entry is its problem source's settings plus this)."""

    # math, integer, number or choice (grading/graders.py); null: the source's (a preset's own, else math)
    grader: GraderName | None = None


class GradeLimits(Settings):
    # per answer; a grade over it is False with status timeout (counted in the stage's summary)
    seconds: Float = Field(10.0, gt=0, le=3600)


class GradeSettings(GradeLimits):
    """One grading job: the grader and its time limit."""

    grader: GraderName = DEFAULT_GRADER
