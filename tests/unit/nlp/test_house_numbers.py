"""A house letter is part of the number («12а»), a preposition after the number is not («5 в Шарье»)."""

from __future__ import annotations

import pytest

from otklik.nlp.streets import find_address


@pytest.mark.parametrize(
    ("text", "street", "house"),
    [
        ("Прорыв трубы на ул. Ленина, 5 в Шарье", "Ленина", "5"),
        ("Яма у дома ул. Мира, д. 12а, Кострома", "Мира", "12а"),
        ("улица Советская 7 к Новому году не отремонтирована", "Советская", "7"),
        ("ул. Северной Правды, д. 3 Б", "Северной Правды", "3Б"),
        ("яма на ул.ленина 5, кострома", "Ленина", "5"),
        ("пр-т мира д 12а", "Мира", "12а"),
    ],
)
def test_house_numbers(text: str, street: str, house: str) -> None:
    address = find_address(text)
    assert address is not None
    assert (address.street, address.house) == (street, house)


def test_a_lowercase_word_after_the_full_street_noun_is_not_a_street() -> None:
    assert find_address("на улице холодно, а батареи ледяные") is None
