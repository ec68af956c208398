"""The engine's fast paths give exactly what the slow ones gave: character n-gram counts, the trigger prefilter
of the ownership rules and cues, and the model store's plain-pickle files."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import joblib
import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from otklik.nlp import char_ngrams
from otklik.nlp.features import Featurizer
from otklik.nlp.model_store import load_model_file, load_or_build, save_atomically
from otklik.nlp.ownership import leading_literals
from otklik.nlp.triggers import TriggerIndex

TEXTS = [
    "Нерехта опять без воды!!! третий день",
    "в Кадые   мусор\nне вывозят, ЁЛКИ-палки",
    "а",
    "",
    "ул. Ленина 5 — яма 30 см, 2 колеса пробили",
    "Спасибо!!! 👍",
    "очень-очень длинноесловобезпробелов и ещё\tтаб",
]


def _fitted(texts: list[str]) -> TfidfVectorizer:
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, dtype=np.float32)
    return vectorizer.fit(texts)


def test_char_counts_equal_scikit_learns_on_texts_it_has_and_has_not_seen() -> None:
    vectorizer = _fitted(TEXTS[:4])
    counter = char_ngrams.counter_for(vectorizer)
    assert counter is not None
    for texts in (TEXTS, TEXTS[::-1], ["совсем другой текст про Шарью", "ЁЁЁ"]):
        expected = vectorizer.transform(texts)
        got = char_ngrams.transform(vectorizer, counter, texts)
        assert got.shape == expected.shape
        assert (got != expected).nnz == 0


def test_char_counter_stays_right_when_its_word_memory_starts_over() -> None:
    vectorizer = _fitted(TEXTS)
    counter = char_ngrams.CharWbCounter(vectorizer.vocabulary_, (3, 5), capacity=3)
    counts = counter.counts(TEXTS * 2, np.float32)
    expected = vectorizer.transform(TEXTS * 2)
    assert (vectorizer._tfidf.transform(counts) != expected).nnz == 0
    assert len(counter._columns) <= 3


def test_other_vectorizer_configurations_keep_scikit_learns_own_path() -> None:
    words = TfidfVectorizer(analyzer="word").fit(TEXTS)
    accents = TfidfVectorizer(analyzer="char_wb", strip_accents="unicode").fit(TEXTS)
    assert char_ngrams.counter_for(words) is None and char_ngrams.counter_for(accents) is None


def test_featurizer_transform_is_the_stack_of_both_vectorizers() -> None:
    featurizer = Featurizer()
    featurizer.fit(TEXTS)
    restored = pickle.loads(pickle.dumps(featurizer))  # a stored featurizer has no counter until used
    for item in (featurizer, restored):
        expected = sp.hstack([item.chars.transform(TEXTS), item.words.transform(TEXTS)], format="csr")
        assert (item.transform(TEXTS) != expected).nnz == 0


def test_required_literals_are_found_past_anchors_look_aheads_and_leading_classes() -> None:
    assert leading_literals(r"^(?!.*(?:фонар|освещени)).*?(?P<m>свет\w* нет|электричеств\w*)") == (
        "свет",
        "электричеств",
    )
    assert leading_literals(r"\d+\s*(?:-?го)?\s*маршрут\w*") == ("маршрут",)
    assert leading_literals(r"тариф\w*.{0,60}мусор") == ("тариф",)
    assert leading_literals(r"\w+|школ") is None  # a branch with no literal: the regex always runs


def test_trigger_index_finds_overlapping_and_nested_literals() -> None:
    index = TriggerIndex([("плат",), ("платеж", "тариф"), None, ("теж",), ()])
    assert index.present("новый платеж") == frozenset({"плат", "платеж", "теж"})
    assert index.candidates("новый платеж") == [0, 1, 2, 3]
    assert index.candidates("ничего") == [2]  # no triggers: always a candidate; empty triggers: never


@settings(max_examples=300, deadline=None)
@given(
    literals=st.lists(st.text(alphabet="абвг", min_size=1, max_size=4), min_size=1, max_size=12),
    text=st.text(alphabet="абвг ", max_size=40),
)
def test_trigger_index_agrees_with_substring_tests(literals: list[str], text: str) -> None:
    index = TriggerIndex([(literal,) for literal in literals])
    assert index.present(text) == frozenset(literal for literal in literals if literal in text)


@settings(max_examples=100, deadline=None)
@given(text=st.text(alphabet="абвгд .", max_size=30))
def test_rule_search_with_the_prefilter_equals_the_bare_regex(text: str) -> None:
    patterns = [r"^(?!.*гд).*?(?P<m>аб\w*)", r"\bв[аб]г", r"д\.?\s*а", r"(?:аа|бб)в"]
    index = TriggerIndex([leading_literals(p) for p in patterns])
    present = [i for i in index.candidates(text) if re.search(patterns[i], text)]
    assert present == [i for i, p in enumerate(patterns) if re.search(p, text)]


def test_model_files_are_plain_pickles_and_older_joblib_files_still_load(tmp_path: Path) -> None:
    model = {"weights": np.arange(100_000, dtype=np.float32), "name": "модель"}
    save_atomically(model, tmp_path / "new")
    stored = tmp_path / "new" / "models.joblib"
    with stored.open("rb") as handle:
        assert pickle.load(handle)["name"] == "модель"
    assert joblib.load(stored)["name"] == "модель"  # readers that still use joblib (otklik model evaluate)
    old = tmp_path / "old" / "models.joblib"
    old.parent.mkdir()
    joblib.dump(model, old)
    loaded = load_model_file(old)
    assert np.array_equal(loaded["weights"], model["weights"])
    assert load_or_build(tmp_path, "old", lambda: {"rebuilt": True})["name"] == "модель"
