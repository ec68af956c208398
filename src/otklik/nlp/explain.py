"""Explanations of linear decisions: the words (lemmas) that pushed a text towards a class."""

from __future__ import annotations

import numpy as np

from otklik.nlp.features import Featurizer
from otklik.nlp.linear import LinearHead


def top_words(featurizer: Featurizer, head: LinearHead, text: str, class_index: int, k: int = 4) -> list[str]:
    """Up to k lemmas (unigrams or bigrams) with the largest positive contribution to the class."""
    offset = featurizer.n_char_features
    indices, values = featurizer.row_arrays(text)
    mask = indices >= offset
    words, weights = indices[mask] - offset, values[mask]
    if not len(words):
        return []
    contributions = weights * head.word_weights(offset)[words, class_index]
    order = np.argsort(-contributions)[:k]
    names = featurizer.word_names()
    return [str(names[words[i]]) for i in order if contributions[i] > 0]
