"""Phone numbers of portal accounts: every common Russian writing is one E.164 number, typos are refused."""

from __future__ import annotations

import pytest

from otklik.domain.errors import InvalidInput
from otklik.services.accounts import normalize_phone

REASON = "телефон нужен в формате +7 XXX XXX-XX-XX"


@pytest.mark.parametrize(
    "written",
    ["+7 910 123-45-67", "8 (910) 123-45-67", "89101234567", "+79101234567", "9101234567", "8-910-123-45-67"],
)
def test_a_mobile_in_any_writing(written: str) -> None:
    assert normalize_phone(written) == "+79101234567"


@pytest.mark.parametrize(
    "written",
    ["(4942) 31-22-33", "8 (4942) 31-22-33", "+7 (4942) 31-22-33", "8 4942 312233", "4942312233"],
)
def test_a_kostroma_landline_with_its_area_code(written: str) -> None:
    assert normalize_phone(written) == "+74942312233"


def test_a_moscow_landline_and_a_free_hotline() -> None:
    assert normalize_phone("+7 (495) 123-45-67") == "+74951234567"
    assert normalize_phone("8-800-555-35-35") == "+78005553535"


@pytest.mark.parametrize("empty", [None, "", "   "])
def test_no_phone_is_none(empty: str | None) -> None:
    assert normalize_phone(empty) is None


@pytest.mark.parametrize(
    "bad",
    [
        "123",  # too short for any number
        "+7 910 123",  # a mobile cut short
        "8 (910) 123-45-67-89",  # two digits too many
        "31-22-33",  # a local number without its area code: which town?
        "телефон",  # no digits at all
        "+1 202 555 0143",  # outside the +7 zone: refused, as before
    ],
)
def test_bad_numbers_keep_the_old_reason(bad: str) -> None:
    with pytest.raises(InvalidInput) as error:
        normalize_phone(bad)
    assert error.value.reason == REASON
