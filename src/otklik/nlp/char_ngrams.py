"""Counting a fitted vocabulary's character n-grams (scikit-learn's `char_wb`) at twice its speed.

The character TF-IDF is the largest per-message cost of the engine (the budget: `otklik analyze` ≥ 1,000 messages a
second on one core). scikit-learn slices every n-gram of every message anew (~400 a message) and looks each up;
here each word's columns are computed once and remembered, and a message's columns are counted by
`collections.Counter` (a C loop). The result is the same count matrix — same n-grams, columns and values
(tests/unit/nlp/test_speed_paths.py checks it against scikit-learn) — and the fitted vectorizer's own TF-IDF
weighting is applied to it, so the stored models are used unchanged.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer


def char_wb_grams(text: str, low: int, high: int) -> list[str]:
    """scikit-learn's `_char_wb_ngrams` of a lower-cased text: the n-grams of each word (`word_grams`)."""
    return [gram for word in text.split() for gram in word_grams(word, low, high)]


def word_grams(word: str, low: int, high: int) -> list[str]:
    """The n-grams of one word, padded with a space each side; a word shorter than n counts once, as a whole."""
    padded = f" {word} "
    length = len(padded)
    grams: list[str] = []
    for n in range(low, high + 1):
        if length <= n:
            grams.append(padded)
            break
        grams.extend([padded[i : i + n] for i in range(length - n + 1)])
    return grams


class CharWbCounter:
    """Counts of a fitted vocabulary's n-grams; each word's columns are computed once and remembered.

    Words repeat across messages (a few thousand make most of any text), so a message costs one dictionary look-up
    per word instead of slicing and looking up its ~10 n-grams. Bounded: past `capacity` words the memory starts
    over (a few MB at most)."""

    def __init__(self, vocabulary: Mapping[str, int], ngram_range: tuple[int, int], capacity: int = 50_000) -> None:
        self._vocabulary = vocabulary
        self._low, self._high = ngram_range
        self._capacity = capacity
        self._columns: dict[str, tuple[int, ...]] = {}

    def _word_columns(self, word: str) -> tuple[int, ...]:
        found = self._columns.get(word)
        if found is None:
            get = self._vocabulary.get
            found = tuple(c for c in map(get, word_grams(word, self._low, self._high)) if c is not None)
            if len(self._columns) >= self._capacity:
                self._columns = {}
            self._columns[word] = found
        return found

    def counts(self, texts: Sequence[str], dtype: type) -> sp.csr_matrix:
        """The n-gram count matrix of the texts (columns sorted, as scikit-learn's)."""
        indices: list[int] = []
        values: list[int] = []
        indptr = [0]
        for text in texts:
            columns: list[int] = []
            for word in text.lower().split():
                columns.extend(self._word_columns(word))
            for column, count in Counter(columns).items():
                indices.append(column)
                values.append(count)
            indptr.append(len(indices))
        matrix = sp.csr_matrix(
            (np.asarray(values, dtype=dtype), np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int32)),
            shape=(len(texts), len(self._vocabulary)),
        )
        matrix.sort_indices()
        return matrix


def fast_path_applies(vectorizer: TfidfVectorizer) -> bool:
    """Only the configuration this module reproduces: char_wb on lower-cased text, no other preprocessing."""
    return (
        vectorizer.analyzer == "char_wb"
        and vectorizer.lowercase
        and vectorizer.preprocessor is None
        and vectorizer.strip_accents is None
        and vectorizer.input == "content"
        and not vectorizer.binary
        and hasattr(vectorizer, "_tfidf")
    )


def transform(vectorizer: TfidfVectorizer, counter: CharWbCounter | None, texts: Sequence[str]) -> sp.csr_matrix:
    """`vectorizer.transform(texts)`, with the counting done by `counter` (made for this vectorizer) when given."""
    if counter is None:
        return vectorizer.transform(texts)
    return vectorizer._tfidf.transform(counter.counts(texts, vectorizer.dtype), copy=False)


def counter_for(vectorizer: TfidfVectorizer) -> CharWbCounter | None:
    """A counter for a fitted vectorizer of the configuration this module reproduces, else None."""
    if not fast_path_applies(vectorizer) or not hasattr(vectorizer, "vocabulary_"):
        return None
    return CharWbCounter(vectorizer.vocabulary_, vectorizer.ngram_range)
