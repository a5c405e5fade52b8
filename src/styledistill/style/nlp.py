"""The spaCy pipeline the features are measured with (tokens, sentences, lemmas)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from styledistill.errors import UserError
from styledistill.style.settings import BLANK


@dataclass(frozen=True)
class Pipeline:
    nlp: Any  # spacy.Language: the tokenizer, and the model's components if it has any
    # Lookup table (lower-cased word -> lemma; empty when the language has none), or None: the model's own lemmas.
    table: Any | None
    # Hashes of the sentence-final characters when sentences are split by the sentencizer's rule (features.tokens);
    # None when the model sets sentence boundaries itself (parser or senter).
    punct_chars: np.ndarray | None = None
    _ids: dict[int, int] = field(default_factory=dict, compare=False, repr=False)

    def lemma_ids(self, lower: np.ndarray, lemma: np.ndarray) -> np.ndarray:
        """Per token, the string hash of its lower-case lemma, from the tokens' LOWER and LEMMA attribute hashes.

        The lookup tables are case-sensitive ("Cats" is not in them, "cats" is): the lower-cased word is looked
        up. A model's lemma is lower-cased; a token without one stands for itself."""
        keys = lower if self.table is not None else np.where(lemma == 0, lower, lemma)
        if not len(keys):
            return keys
        unique, inverse = np.unique(keys, return_inverse=True)
        ids = self._ids
        mapped = [ids.get(k) or ids.setdefault(k, self._lemma_id(k)) for k in unique.tolist()]
        return np.asarray(mapped, dtype=np.uint64)[inverse]

    def _lemma_id(self, key: int) -> int:
        strings = self.nlp.vocab.strings
        if self.table is not None:
            found = self.table.get(key)
            return key if found is None else strings.add(found)
        return strings.add(strings[key].lower())


def _punct_chars(nlp: Any) -> np.ndarray:
    from spacy.pipeline.sentencizer import Sentencizer

    return np.array(sorted(nlp.vocab.strings.add(ch) for ch in Sentencizer.default_punct_chars), dtype=np.uint64)


@lru_cache(maxsize=4)
def load(name: str) -> Pipeline:
    """`blank:<lang>`: the tokenizer alone; sentences split by spaCy's sentencizer rule, applied to token arrays
    (features.tokens: the same boundaries without a pipeline component); lemmas from the language's lookup table in
    spacy-lookups-data (lower-cased words when the language has none). Otherwise an installed spaCy package with its
    own lemmas, and its own sentences when it has a parser, senter or sentencizer (else the sentencizer rule)."""
    import spacy

    if name.startswith(BLANK):
        lang = name[len(BLANK) :]
        try:
            nlp = spacy.blank(lang)
        except ImportError as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise UserError(f"--spec: spacy_model {name!r}: no blank {lang!r} pipeline: {first}") from None
        lemmatizer = nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        try:
            nlp.initialize()
            table = lemmatizer.lookups.get_table("lemma_lookup")
        except (ValueError, OSError, ImportError, KeyError):
            table = {}  # no lookup table for this language: a word is its own lemma
        # The table is used directly (on lower-cased words), so the component need not run.
        nlp.remove_pipe("lemmatizer")
        nlp.initialize()
        return Pipeline(nlp, table, _punct_chars(nlp))
    try:
        nlp = spacy.load(name)
    except OSError:
        raise UserError(
            f"--spec: spacy_model {name!r} is not an installed spaCy package (install it, or use 'blank:en')"
        ) from None
    own_sentences = {"parser", "senter", "sentencizer"} & set(nlp.pipe_names)
    return Pipeline(nlp, None, None if own_sentences else _punct_chars(nlp))


def spacy_version() -> str:
    import spacy

    return spacy.__version__
