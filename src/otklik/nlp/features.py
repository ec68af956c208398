"""Text → sparse features: character n-grams and lemma TF-IDF, shared by every model of the engine."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from otklik.nlp import char_ngrams
from otklik.nlp.linear import LinearHead, softmax
from otklik.nlp.text.lemmas import lemma_analyzer


@dataclass
class _Batch:
    texts: list[str]
    matrix: sp.csr_matrix
    index: dict[str, int] = field(default_factory=dict)
    scores: dict[int, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.index = {text: i for i, text in enumerate(self.texts)}


class Featurizer:
    """Char n-gram (char_wb 3–5) TF-IDF stacked with lemma unigram+bigram TF-IDF.

    `prepare(texts)` vectorises a batch at once and keeps it, so that the per-stage calls of one message
    (detector, toxicity, topics, router) reuse one vectorisation, and each model scores the batch in one product.
    """

    def __init__(self, *, max_char_features: int = 120_000, max_word_features: int = 50_000) -> None:
        self.chars = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(3, 5),
            min_df=2,
            max_features=max_char_features,
            sublinear_tf=True,
            dtype=np.float32,
        )
        self.words = TfidfVectorizer(
            analyzer=lemma_analyzer, min_df=1, max_features=max_word_features, sublinear_tf=True, dtype=np.float32
        )
        self._word_names: np.ndarray | None = None
        self._batch = _Batch([], sp.csr_matrix((0, 0), dtype=np.float32))
        self._char_counter: char_ngrams.CharWbCounter | None = None  # made on first use, after fitting

    def fit(self, texts: Sequence[str]) -> Featurizer:
        self.chars.fit(texts)
        self.words.fit(texts)
        for vectorizer in (self.chars, self.words):
            if hasattr(vectorizer, "stop_words_"):
                del vectorizer.stop_words_  # the dropped terms: large and not needed to transform
        self._word_names = None
        self._char_counter = None
        return self

    def fit_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        chars = self.chars.fit_transform(texts)
        words = self.words.fit_transform(texts)
        for vectorizer in (self.chars, self.words):
            if hasattr(vectorizer, "stop_words_"):
                del vectorizer.stop_words_
        self._word_names = None
        self._char_counter = None
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
        if self._char_counter is None:
            self._char_counter = char_ngrams.counter_for(self.chars)
        chars = char_ngrams.transform(self.chars, self._char_counter, texts)  # = chars.transform, several times faster
        return sp.hstack([chars, self.words.transform(texts)], format="csr")

    def prepare(self, texts: Sequence[str]) -> _Batch:
        """Vectorise a batch at once; later calls for these texts (and head scores) reuse it."""
        distinct = list(dict.fromkeys(texts))
        batch = _Batch(distinct, self.transform(distinct))
        self._batch = batch
        return batch

    def _batch_with(self, text: str) -> _Batch:
        # callers keep the returned batch: another thread may replace self._batch meanwhile
        batch = self._batch
        return batch if text in batch.index else self.prepare([text])

    def one(self, text: str) -> sp.csr_matrix:
        batch = self._batch_with(text)
        i = batch.index[text]
        return batch.matrix[i : i + 1]

    def row_arrays(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(feature indices, values) of the text's row without building a matrix."""
        batch = self._batch_with(text)
        i = batch.index[text]
        start, end = batch.matrix.indptr[i], batch.matrix.indptr[i + 1]
        return batch.matrix.indices[start:end], batch.matrix.data[start:end]

    def scores(self, head: LinearHead, text: str) -> np.ndarray:
        """The head's raw scores for the text, computed for the whole batch on first request."""
        batch = self._batch_with(text)
        key = id(head)
        if key not in batch.scores:
            batch.scores[key] = head.scores(batch.matrix)
        return np.asarray(batch.scores[key][batch.index[text]])

    def proba(self, head: LinearHead, text: str) -> np.ndarray:
        return np.asarray(softmax(self.scores(head, text)[None, :], head.temperature_)[0])

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state["_batch"] = _Batch([], sp.csr_matrix((0, 0), dtype=np.float32))
        state["_word_names"] = None
        state["_char_counter"] = None  # its memory of words is rebuilt on use
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update({"_char_counter": None, **state})  # models stored before the counter existed
