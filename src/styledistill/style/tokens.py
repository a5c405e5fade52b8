"""The token facts the features need, read from a spaCy Doc as NumPy arrays (no per-token Python objects)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from styledistill.style.nlp import Pipeline


@dataclass(frozen=True)
class Tokens:
    starts: np.ndarray  # character offset of every non-space token (punctuation included)
    sentence_starts: np.ndarray  # character offset of the first non-space token of every sentence
    words: np.ndarray  # LOWER hash of every word (non-space, non-punctuation token)
    content_starts: np.ndarray  # character offset of every content word (a word that is not a stop word)
    content_lemmas: np.ndarray  # lower-case lemma hash of every content word


def sentence_starts(is_punct: np.ndarray, is_final: np.ndarray) -> np.ndarray:
    """spaCy's sentencizer rule on token arrays: the first token starts a sentence, and so does every token that is
    neither punctuation nor sentence-final after a sentence-final character ("." "!" "?" ...) since the previous
    such token. (`is_final` marks tokens that are sentence-final characters.)"""
    plain = ~(is_punct | is_final)
    starts = np.zeros(len(plain), dtype=bool)
    if not len(plain):
        return starts
    starts[0] = True
    finals = np.concatenate([[0], np.cumsum(is_final)])  # finals[i]: sentence-final tokens before token i
    where = np.flatnonzero(plain)
    # a final character between the previous plain token and this one
    starts[where[1:]] = finals[where[1:]] > finals[where[:-1] + 1]
    if len(where) and where[0] > 0:
        starts[where[0]] = finals[where[0]] > 0
    return starts


def read(doc: Any, pipeline: Pipeline) -> Tokens:
    from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, IS_STOP, LEMMA, LOWER, ORTH, SENT_START

    arr = doc.to_array([IDX, IS_SPACE, IS_PUNCT, IS_STOP, SENT_START, LOWER, LEMMA, ORTH])
    if not len(arr):
        empty = np.zeros(0, dtype=np.uint64)
        return Tokens(empty.astype(np.int64), empty.astype(np.int64), empty, empty.astype(np.int64), empty)
    idx = arr[:, 0].astype(np.int64)
    visible = arr[:, 1] == 0
    if pipeline.punct_chars is None:
        # set by the model: 1 at a sentence start (-1, stored as a huge unsigned number, elsewhere)
        starts = arr[:, 4] == 1
    else:
        starts = sentence_starts(arr[:, 2] == 1, np.isin(arr[:, 7], pipeline.punct_chars))
    # The first token always starts a sentence; a sentence counts once it has a non-space token.
    sentence = np.cumsum(starts)
    sentence[0] = max(sentence[0], 1)
    seen = sentence[visible]
    first = np.ones(len(seen), dtype=bool)
    first[1:] = seen[1:] != seen[:-1]
    word = visible & (arr[:, 2] == 0)
    content = word & (arr[:, 3] == 0)
    return Tokens(
        starts=idx[visible],
        sentence_starts=idx[visible][first],
        words=arr[word, 5],
        content_starts=idx[content],
        content_lemmas=pipeline.lemma_ids(arr[content, 5], arr[content, 6]),
    )


def count_visible(doc: Any) -> int:
    """Non-space tokens of a Doc."""
    from spacy.attrs import IS_SPACE

    return int((doc.to_array([IS_SPACE]) == 0).sum()) if len(doc) else 0
