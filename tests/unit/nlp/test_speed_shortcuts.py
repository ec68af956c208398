"""Shortcuts of the per-message path answer exactly what the full computations they replace answer."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from otklik.domain.analysis import PersonalDataSpan
from otklik.nlp import pii
from otklik.nlp.text.lemmas import has_words, words
from otklik.nlp.text.normalize import has_letters, letter_count

# Letters, digits (also non-ASCII ones), «@», punctuation and spaces: what the shortcuts look for and around.
ALPHABET = "аЁяzZ5٣_@.-+ \n()№ИНН"
DIGITS = "0123456789٣ -+().№"  # digit runs long enough for phones, cards, СНИЛС, ИНН
TEXTS = ["", "а", "аб", "5", "_ _", "İ", "ё-ё", "7-92-12", "mail@ya.ru", "паспорт 34 12 123456", "١٢٣-٤٥-٦٧"]


def all_regex_spans(text: str) -> list[PersonalDataSpan]:
    """Every pattern on every text: `pii._regex_spans` before its digit and «@» prefilter."""
    spans = []
    for kind, pattern in pii._PATTERNS:
        for match in pattern.finditer(text):
            group = 1 if pattern.groups else 0
            spans.append(PersonalDataSpan(kind, match.start(group), match.end(group)))
    return spans


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=ALPHABET, max_size=40)
    | st.text(alphabet=DIGITS, min_size=5, max_size=40)
    | st.text(max_size=20)
    | st.sampled_from(TEXTS)
)
def test_shortcuts_equal_the_full_computations(text: str) -> None:
    for count in range(4):
        assert has_letters(text, count) == (letter_count(text) >= count)
    assert has_words(text) == bool(words(text))
    assert pii._regex_spans(text) == all_regex_spans(text)


def test_the_prefilter_keeps_every_kind_of_personal_data() -> None:
    text = "mail@ya.ru, тел. 8-920-123-45-67, 2-34-56, паспорт 34 12 123456, ИНН 4401000000, СНИЛС 123-456-789 01"
    text += ", карта 1234 5678 9012 3456"
    kinds = [span.kind for span in pii._regex_spans(text)]
    assert sorted(set(kinds)) == ["card", "email", "inn", "passport", "phone", "snils"]
    assert pii._regex_spans("без цифр и почты, дом 5, кв. 12") == []
