"""The spaCy pipeline the features are measured with (tokens, sentences, lemmas)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from styledistill.errors import UserError

BLANK = "blank:"


@dataclass(frozen=True)
class Pipeline:
    nlp: Any  # spacy.Language: tokenizer and sentence boundaries
    lemma: Callable[[Any], str]  # token -> lower-case lemma


def _lookup_lemma(table: Any) -> Callable[[Any], str]:
    # The lookup tables are case-sensitive ("Cats" is not in them, "cats" is): look the lower-cased word up.
    def lemma(token: Any) -> str:
        word = token.lower_
        return table.get(word, word)

    return lemma


def _model_lemma(token: Any) -> str:
    return (token.lemma_ or token.text).lower()


@lru_cache(maxsize=4)
def load(name: str) -> Pipeline:
    """`blank:<lang>`: tokenizer + sentencizer, lemmas from the language's lookup table in spacy-lookups-data
    (lower-cased words when the language has none). Otherwise an installed spaCy package, given a sentencizer when
    it cannot split sentences, with its own lemmas."""
    import spacy

    if name.startswith(BLANK):
        lang = name[len(BLANK) :]
        try:
            nlp = spacy.blank(lang)
        except ImportError as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise UserError(f"--spec: spacy_model {name!r}: no blank {lang!r} pipeline: {first}") from None
        nlp.add_pipe("sentencizer")
        lemmatizer = nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        try:
            nlp.initialize()
            lemma = _lookup_lemma(lemmatizer.lookups.get_table("lemma_lookup"))
        except (ValueError, OSError, ImportError, KeyError):
            lemma = _model_lemma
        # The table is used directly (on lower-cased words), so the component need not run.
        nlp.remove_pipe("lemmatizer")
        nlp.initialize()
        return Pipeline(nlp, lemma)
    try:
        nlp = spacy.load(name)
    except OSError:
        raise UserError(
            f"--spec: spacy_model {name!r} is not an installed spaCy package (install it, or use 'blank:en')"
        ) from None
    if not {"parser", "senter", "sentencizer"} & set(nlp.pipe_names):
        nlp.add_pipe("sentencizer")
    return Pipeline(nlp, _model_lemma)


def spacy_version() -> str:
    import spacy

    return spacy.__version__
