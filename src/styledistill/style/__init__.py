"""The style of reasoning text, measured: pivots of the four types (lexicon), steps, stages, backtracking, length,
and a style profile with the distance of a text to it. A library: the extract_features stage, the variants and
the students' style measurement all use it.

Nothing heavy is imported here; spaCy is loaded only when a pipeline is built (`style.nlp.load`).
"""
