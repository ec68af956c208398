"""Text → sparse features: character n-grams and lemma TF-IDF, shared by every model of the engine."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from otklik.nlp.text.lemmas import lemma_analyzer

_BATCH_CACHE = 4096


class Featurizer:
    """Char n-gram (char_wb 2–5) TF-IDF stacked with lemma unigram+bigram TF-IDF.

    `prepare(texts)` vectorises a batch at once and keeps the rows, so that the per-stage calls of one
    message (detector, toxicity, topics, router) reuse one vectorisation.
    """

    def __init__(self, *, max_char_features: int = 120_000, max_word_features: int = 50_000) -> None:
        self.chars = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(2, 5),
            min_df=2,
            max_features=max_char_features,
            sublinear_tf=True,
            dtype=np.float32,
        )
        self.words = TfidfVectorizer(
            analyzer=lemma_analyzer, min_df=1, max_features=max_word_features, sublinear_tf=True, dtype=np.float32
        )
        self._word_names: np.ndarray | None = None
        self._cache: OrderedDict[str, sp.csr_matrix] = OrderedDict()

    def fit(self, texts: Sequence[str]) -> Featurizer:
        self.chars.fit(texts)
        self.words.fit(texts)
        for vectorizer in (self.chars, self.words):
            if hasattr(vectorizer, "stop_words_"):
                del vectorizer.stop_words_  # the dropped terms: large and not needed to transform
        self._word_names = None
        return self

    def fit_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        chars = self.chars.fit_transform(texts)
        words = self.words.fit_transform(texts)
        for vectorizer in (self.chars, self.words):
            if hasattr(vectorizer, "stop_words_"):
                del vectorizer.stop_words_
        self._word_names = None
        return sp.hstack([chars, words], format="csr")

    @property
    def n_char_features(self) -> int:
        return len(self.chars.vocabulary_)

    def word_names(self) -> np.ndarray:
        if self._word_names is None:
            self._word_names = self.words.get_feature_names_out()
        return self._word_names

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        if not texts:
            return sp.csr_matrix((0, self.n_char_features + len(self.words.vocabulary_)), dtype=np.float32)
        return sp.hstack([self.chars.transform(texts), self.words.transform(texts)], format="csr")

    def prepare(self, texts: Sequence[str]) -> None:
        fresh = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if fresh:
            matrix = self.transform(fresh)
            for index, text in enumerate(fresh):
                self._cache[text] = matrix[index]
        while len(self._cache) > max(_BATCH_CACHE, 2 * len(texts)):
            self._cache.popitem(last=False)

    def one(self, text: str) -> sp.csr_matrix:
        row = self._cache.get(text)
        if row is None:
            row = self.transform([text])
            self._cache[text] = row
            if len(self._cache) > _BATCH_CACHE:
                self._cache.popitem(last=False)
        return row

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state["_cache"] = OrderedDict()
        state["_word_names"] = None
        return state
