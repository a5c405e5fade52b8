"""How the style of a text is measured (lexicon, spaCy pipeline, coverage threshold) and how far a text may sit from
a style profile (the style check)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ValidationInfo, field_validator, model_validator

from styledistill.settings import Distinct, Field, Settings, Text
from styledistill.style import lexicon as lex

BLANK = "blank:"  # spacy_model prefix of a blank pipeline: blank:<lang>


class MeasureSettings(Settings):
    """How reasoning text is measured: the pivot lexicon, the spaCy pipeline, and when a trace "has the style"."""


    # Resolved to the phrases here (the JSON schema describes what a config may write: style/lexicon.py).
    lexicon: dict[str, tuple[str, ...]] = Field(
        lex.DEFAULT_PRESET, validate_default=True, description="a preset (src/styledistill/style/lexicons/: paper, "
        "the phrases the paper names; r1, a wider lexicon for R1-style text with position rules) or pivot phrases per "
        "pivot type (case-insensitive, word-bounded, multi-word across line breaks); an entry is a phrase or {phrase, "
        "position: [opens, comma], why}", json_schema_extra=lex.config_schema)
    position_rules: dict[str, tuple[str, ...]] = Field(
        default_factory=dict, description="phrase -> position rules a match must meet to count (opens: it opens a "
        "sentence or clause; comma: a comma follows); default: the rules of the preset or of the inline entries",
        json_schema_extra=lex.rules_schema)
    spacy_model: Text = Field(
        "blank:en", description="blank:en (tokenizer, sentencizer, lookup lemmatizer) or an installed spaCy model")
    batch_size: int = Field(64, ge=1, le=65_536, description="texts per spaCy batch")
    min_types: int = Field(
        3, ge=1, le=len(lex.PIVOT_TYPES), description="a trace \"has the style\" with this many pivot types")

    @model_validator(mode="before")
    @classmethod
    def _resolve_lexicon(cls, data: Any) -> Any:
        """A preset name or entries with position rules become phrases plus rules (a lexicon that does not
        resolve is left for the field validator, which reports it under its key)."""
        if not isinstance(data, dict):
            return data
        try:
            lexicon, rules = lex.resolve(data.get("lexicon", lex.DEFAULT_PRESET))
        except ValueError:
            return data
        resolved = {kind: list(phrases) for kind, phrases in lexicon.items()}
        return {**data, "lexicon": resolved, "position_rules": data.get("position_rules", rules)}

    @field_validator("lexicon", mode="before")
    @classmethod
    def _lexicon(cls, value: Any) -> dict[str, tuple[str, ...]]:
        return lex.resolve(value)[0]

    @field_validator("position_rules", mode="before")
    @classmethod
    def _rules(cls, value: Any, info: ValidationInfo) -> dict[str, tuple[str, ...]]:
        return lex.check_rules(value, info.data.get("lexicon") or {})

    @field_validator("spacy_model")
    @classmethod
    def _model(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must be 'blank:<lang>' or an installed spaCy package")
        return value.strip()

    def missing_pipeline(self) -> str | None:
        """Why the spaCy pipeline cannot be loaded here, found without importing spaCy (which takes seconds);
        None when it can, or when spaCy is not installed here (a dry run in an env without the stage's packages)."""
        import importlib.util
        from pathlib import Path

        spacy = importlib.util.find_spec("spacy")
        if spacy is None or spacy.origin is None:
            return None
        if self.spacy_model.startswith(BLANK):
            lang = self.spacy_model[len(BLANK):]
            if lang.isidentifier() and (Path(spacy.origin).parent / "lang" / lang / "__init__.py").is_file():
                return None
            return f"spaCy has no blank {lang!r} pipeline (e.g. blank:en)"
        if self.spacy_model.isidentifier() and importlib.util.find_spec(self.spacy_model) is not None:
            return None
        return f"{self.spacy_model!r} is not an installed spaCy package (install it, or use 'blank:en')"


# What the style check compares by default: length, pivot density per type, type coverage, stage proportions and
# backtracking (feature columns of the `features` record).
STYLE_FEATURES = (
    "words",
    "realization_per_1k",
    "verification_per_1k",
    "exploration_per_1k",
    "integration_per_1k",
    "pivot_types",
    "stage_framing",
    "stage_exploration",
    "stage_verification",
    "stage_synthesis",
    "backtracking",
)


class StyleCheck(Settings):
    """How far a trace may sit from a style profile: per feature a robust z-score, (x - median) / scale with scale
    = IQR / 1.349 (the standard deviation of a normal sample), floored; the traces' distance aggregates them."""

    features: Annotated[list[Text], Distinct] = Field(
        list(STYLE_FEATURES), min_length=1, description="numeric columns of the features record")
    log_features: Annotated[list[Text], Distinct] = Field(
        ["words"], description="compared on a log scale (lengths: a trace half as long is as far off as one twice as "
        "long)")
    aggregate: Literal["groups", "max", "mean"] = Field(
        "groups", description="of the absolute z-scores: groups, the worst of the means within the form, pivot and "
        "stage features (style_check.feature_group: a trace must match each part of the style, so matching stages "
        "cannot make up for missing pivots); mean, over all features; max, the worst feature")
    threshold: float = Field(1.5, gt=0, description="accepted when the distance is at most this")
    min_scale_share: float = Field(
        0.1, ge=0, description="floor of the scale as a share of |median| (a profile with IQR 0, e.g. no pivots at "
        "all, still admits small deviations)")
    min_scale: float = Field(0.05, gt=0, description="floor of the scale, absolutely")

    @field_validator("features", "log_features")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        from styledistill.style.profile import NUMERIC_FEATURES

        unknown = [name for name in value if name not in NUMERIC_FEATURES]
        if unknown:
            raise ValueError(f"unknown feature(s) {', '.join(unknown)} (numeric features: "
                             f"{', '.join(NUMERIC_FEATURES)})")
        return value
