"""grade settings: none yet (graders by name come with the grader registry); the class keeps unknown keys out."""

from __future__ import annotations

from styledistill.settings import Settings


class GradeSettings(Settings):
    pass
