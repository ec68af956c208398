"""Explanations of linear decisions: the words (lemmas) that pushed a text towards a class."""

from __future__ import annotations

import scipy.sparse as sp

from otklik.nlp.features import Featurizer
from otklik.nlp.linear import LinearHead


def top_words(featurizer: Featurizer, head: LinearHead, row: sp.csr_matrix, class_index: int, k: int = 4) -> list[str]:
    """Up to k lemmas (unigrams or bigrams) with the largest positive contribution to the class."""
    offset = featurizer.n_char_features
    names = featurizer.word_names()
    words: list[str] = []
    for index, _ in head.contributions(row, class_index):
        if index >= offset:
            words.append(str(names[index - offset]))
            if len(words) == k:
                break
    return words
