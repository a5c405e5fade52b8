"""Words up to each sentence end of a text, counted as the `words` feature counts them (spaCy tokens that are
neither space nor punctuation), so a trace can be trimmed to a length measured the features' way."""

from __future__ import annotations

import numpy as np

from styledistill.style import nlp as nlp_mod
from styledistill.style import tokens


def sentence_cuts(texts: list[str], spacy_model: str) -> list[list[tuple[int, int]]]:
    """Per text, (character offset, words before it) at every sentence end, ascending; the text's end is the last."""
    from spacy.attrs import IDX, IS_PUNCT, IS_SPACE

    pipeline = nlp_mod.load(spacy_model)
    out = []
    for text, doc in zip(texts, pipeline.nlp.pipe(texts)):
        arr = doc.to_array([IDX, IS_SPACE, IS_PUNCT]) if len(doc) else np.zeros((0, 3), dtype=np.int64)
        word_starts = arr[(arr[:, 1] == 0) & (arr[:, 2] == 0), 0].astype(np.int64)
        ends = [*tokens.read(doc, pipeline).sentence_starts.tolist()[1:], len(text)]
        out.append([(int(end), int(np.searchsorted(word_starts, end))) for end in ends])
    return out
