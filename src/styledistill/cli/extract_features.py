"""Stage extract_features: the style of every graded trace, the style profile of the correct ones and correct vs
incorrect traces compared (`measure`); pivot candidates ranked against a reference corpus (`discover`); a
student's benchmark outputs measured against the teacher's ST profile (`students`: did the student copy the style?).
"""

from __future__ import annotations

from styledistill.cli._common import run, stage_cli

main = stage_cli("extract_features", __doc__, {"measure": "features.extract_features",
                                               "discover": "features.discover_pivots",
                                               "students": "features.measure_student_style"})

if __name__ == "__main__":
    raise SystemExit(run(main))
