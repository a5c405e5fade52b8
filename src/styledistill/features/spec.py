"""The extract_features slice of config: parsed, defaulted and checked before any work starts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from styledistill.errors import UserError
from styledistill.features import lexicon as lex

KEYS = ("lexicon", "spacy_model", "batch_size", "min_types", "bootstrap", "seed", "version")


@dataclass(frozen=True)
class FeatureSpec:
    lexicon: dict[str, tuple[str, ...]] = field(default_factory=lex.default)
    spacy_model: str = "blank:en"  # "blank:<lang>" or the name of an installed spaCy package
    batch_size: int = 64
    min_types: int = 3  # a trace "has the style" when at least this many of the 4 pivot types occur
    bootstrap: int = 2000  # resamples of the bootstrap intervals of Cliff's delta
    seed: int = 0  # seed of the bootstrap resamples


def _positive_int(spec: dict[str, Any], key: str, default: int, low: int, high: int | None = None) -> int:
    value = spec.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < low or (high is not None and value > high):
        bound = f"{low}..{high}" if high is not None else f">= {low}"
        raise UserError(f"--spec: {key} must be an integer {bound}, got {value!r}")
    return value


def parse(spec: dict[str, Any]) -> FeatureSpec:
    unknown = sorted(set(spec) - set(KEYS))
    if unknown:
        raise UserError(f"--spec: unknown key(s) {', '.join(unknown)} (allowed: {', '.join(KEYS)})")
    model = spec.get("spacy_model", "blank:en")
    if not isinstance(model, str) or not model.strip():
        raise UserError(f"--spec: spacy_model must be 'blank:<lang>' or an installed spaCy package, got {model!r}")
    return FeatureSpec(
        lexicon=lex.validate(spec["lexicon"]) if "lexicon" in spec else lex.default(),
        spacy_model=model.strip(),
        batch_size=_positive_int(spec, "batch_size", 64, 1),
        min_types=_positive_int(spec, "min_types", 3, 1, len(lex.PIVOT_TYPES)),
        bootstrap=_positive_int(spec, "bootstrap", 2000, 100),
        seed=_positive_int(spec, "seed", 0, 0),
    )
