"""A simulated teacher: reasoning traces written in R1's manner from each problem's own solution, with a known,
planted style (pivots, stages, backtracking, length, wrong endings), so every measurement can be checked against
the truth. A simulator, not a model."""
