"""Stage extract_features: measure the style of reasoning traces (pivots, steps, length) and build a style profile.

Nothing heavy is imported here; spaCy is loaded only when a pipeline is built (`features.nlp.load`).
"""
