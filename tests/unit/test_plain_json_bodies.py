"""The request guard's shortcut (web/limits.py `_plainly_acceptable`): a body passed on unparsed must be one the
full check would pass; anything that could hide an unstorable string, a non-number or deep nesting is parsed."""

from __future__ import annotations

import json

import pytest

from otklik.web.limits import _plainly_acceptable, json_reasons

TEXT = "Прорыв трубы на улице Ленина в Шарье, вода заливает двор! No water, Irina (INN 44)."


@pytest.mark.parametrize("ensure_ascii", [True, False], ids=["escaped letters", "utf-8 letters"])
def test_an_ordinary_message_body_is_passed_without_a_parse(ensure_ascii: bool) -> None:
    body = json.dumps({"channel": "vk", "text": TEXT, "author": {"name": "Анна"}}, ensure_ascii=ensure_ascii)
    assert _plainly_acceptable(body.encode())


SUSPECT = {
    "an escaped NUL": rb'{"text": "a\u0000b"}',
    "a raw NUL": b'{"text": "a\x00b"}',
    "an escaped lone surrogate": rb'{"text": "a\ud800b"}',
    "an escaped lone surrogate in capitals": rb'{"text": "a\uDBFFb"}',
    "an escaped emoji (a pair)": rb'{"text": "a\ud83d\ude00b"}',
    "a raw UTF-8 surrogate": b'{"text": "a\xed\xa0\x80b"}',
    "NaN": b'{"lat": NaN}',
    "Infinity": b'{"lat": -Infinity}',
    "deep nesting": b'{"context": ' + b"[" * 40 + b"]" * 40 + b"}",
}


@pytest.mark.parametrize("body", SUSPECT.values(), ids=SUSPECT.keys())
def test_a_body_that_may_hide_what_cannot_be_stored_takes_the_full_check(body: bytes) -> None:
    assert not _plainly_acceptable(body)


@pytest.mark.parametrize(
    "what", ["an escaped NUL", "a raw NUL", "an escaped lone surrogate", "a raw UTF-8 surrogate", "NaN", "deep nesting"]
)
def test_the_full_check_refuses_what_the_shortcut_sent_to_it(what: str) -> None:
    assert json_reasons(SUSPECT[what]) != [], what  # reasons, or None: not JSON (a raw NUL in a string), a 400
