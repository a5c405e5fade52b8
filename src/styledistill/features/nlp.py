"""The spaCy pipeline the features are measured with (tokens, sentences, lemmas)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from styledistill.errors import UserError

BLANK = "blank:"


@lru_cache(maxsize=4)
def load(name: str) -> Any:
    """`blank:<lang>`: tokenizer + sentencizer + lookup lemmatizer (spacy-lookups-data; skipped when the language
    has no tables). Otherwise an installed spaCy package, given a sentencizer when it cannot split sentences."""
    import spacy

    if name.startswith(BLANK):
        lang = name[len(BLANK) :]
        try:
            nlp = spacy.blank(lang)
        except ImportError:
            raise UserError(f"--spec: spacy_model {name!r}: spaCy has no language {lang!r}") from None
        nlp.add_pipe("sentencizer")
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        try:
            nlp.initialize()
        except (ValueError, OSError, ImportError):
            nlp.remove_pipe("lemmatizer")
            nlp.initialize()
        return nlp
    try:
        nlp = spacy.load(name)
    except OSError:
        raise UserError(
            f"--spec: spacy_model {name!r} is not an installed spaCy package (install it, or use 'blank:en')"
        ) from None
    if not {"parser", "senter", "sentencizer"} & set(nlp.pipe_names):
        nlp.add_pipe("sentencizer")
    return nlp


def spacy_version() -> str:
    import spacy

    return spacy.__version__
