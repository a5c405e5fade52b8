"""Stage extract_features: the style of every graded trace (measured with `styledistill.style`), the style profile
of the correct ones, correct vs incorrect traces compared, pivot discovery, and the students' style.
"""
