"""Hostile input (issue 12): text the databases cannot store, times out of range, numbers that are not ids, bodies
over the limits — each a 4xx problem naming the field, never a 5xx, and nothing stored."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from staff_support import StaffTeam

pytestmark = pytest.mark.db

MESSAGE = {
    "channel": "vk",
    "external_id": "wall-1_100_5",
    "text": "Не вывозят мусор на улице Мира в Буе вторую неделю",
    "author": {"name": "Анна", "id": "123"},
    "created_at": "2026-11-27T10:00:00+03:00",
}


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["detail"]
    return body


def _post_raw(client: TestClient, url: str, body: str, headers: dict[str, str]) -> Any:
    """A body as written, so a lone surrogate escape (`\\ud800`) reaches the server as JSON allows it."""
    return client.post(url, content=body.encode(), headers={**headers, "content-type": "application/json"})


def _stored_messages(client: TestClient) -> int:
    return int(client.get("/api/v1/appeals").json()["total"])


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"text": "труба\u0000прорвало"}, "text"),
        ({"external_id": "wall\u0000"}, "external_id"),
        ({"author": {"name": "Ан\u0000на"}}, "author.name"),
        ({"context": {"thr\u0000ead": 1}}, "context.thr\\u0000ead"),
        ({"context": {"thread": "x\u0000"}}, "context.thread"),
        ({"address": "Мира\u0000 5"}, "address"),
    ],
)
def test_a_nul_anywhere_is_a_422_naming_the_field(
    client: TestClient, staff_team: StaffTeam, change: dict[str, Any], field: str
) -> None:
    problem = _problem(client.post("/api/v1/messages", headers=staff_team.gateway, json={**MESSAGE, **change}), 422)
    assert f"{field}: " in problem["detail"] and "NUL" in problem["detail"]
    assert _stored_messages(client) == 0


@pytest.mark.parametrize("where", ["text", "context.thread", "author.name"])
def test_a_lone_surrogate_is_a_422_naming_the_field(client: TestClient, staff_team: StaffTeam, where: str) -> None:
    body = json.dumps({**MESSAGE, "context": {"thread": "t"}}, ensure_ascii=True)
    original = {
        "text": json.dumps(MESSAGE["text"]),
        "context.thread": '"t"',
        "author.name": '"\\u0410\\u043d\\u043d\\u0430"',
    }
    body = body.replace(original[where], '"x\\ud800y"', 1)
    problem = _problem(_post_raw(client, "/api/v1/messages", body, staff_team.gateway), 422)
    assert f"{where}: " in problem["detail"] and "surrogate" in problem["detail"]
    assert _stored_messages(client) == 0


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        (b'"x\\uD83Dy"', "\\ud83d"),  # an escape in upper case
        (b'"x\\udfffy"', "\\udfff"),  # a low surrogate alone
        (b'"x\xed\xa0\x80y"', "\\ud800"),  # not an escape: the surrogate's own (invalid) UTF-8 bytes
    ],
)
def test_every_spelling_of_a_lone_surrogate_is_refused(
    client: TestClient, staff_team: StaffTeam, written: bytes, shown: str
) -> None:
    """The guard skips parsing a body without a suspect byte (web/limits.py): each spelling must count as one."""
    body = json.dumps({**MESSAGE, "text": "TEXT"}, ensure_ascii=True).encode().replace(b'"TEXT"', written)
    response = client.post(
        "/api/v1/messages", content=body, headers={**staff_team.gateway, "content-type": "application/json"}
    )
    problem = _problem(response, 422)
    assert "text: " in problem["detail"] and shown in problem["detail"], problem["detail"]
    assert _stored_messages(client) == 0


def test_nul_in_a_query_or_a_form_is_a_422(client: TestClient) -> None:
    assert "query.q" in _problem(client.get("/api/v1/appeals?q=%00"), 422)["detail"]
    assert "query.municipality" in _problem(client.get("/api/v1/appeals?municipality=a%00"), 422)["detail"]
    form = client.post("/api/v1/auth/token", data={"username": "admin\u0000", "password": "x"})
    assert "form.username" in _problem(form, 422)["detail"]


def test_a_nul_in_a_portal_form_field_is_a_422(client: TestClient) -> None:
    """Multipart bodies pass the request guard unread (they carry photos): the schema's own type catches it."""
    register = {"name": "Анна", "email": "anna@example.org", "password": "correct horse battery", "consent": True}
    client.post("/api/v1/portal/register", json=register).raise_for_status()
    login = client.post("/api/v1/portal/login", json={"login": "anna@example.org", "password": register["password"]})
    token = {"Authorization": f"Bearer {login.json()['access_token']}"}
    fields = [("text", (None, "Яма\u0000 на дороге")), ("address", (None, "Кострома"))]  # multipart, no file
    sent = client.post("/api/v1/portal/appeals", headers=token, files=fields)
    assert "text" in _problem(sent, 422)["detail"]
    assert client.get("/api/v1/portal/appeals", headers=token).json() == []


@pytest.mark.parametrize(
    "moment",
    [
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-12:00",
        "1999-12-31T23:59:59+00:00",
        "2999-01-01T00:00:00+03:00",
    ],
)
def test_a_time_out_of_range_is_a_422_stating_the_range(client: TestClient, staff_team: StaffTeam, moment: str) -> None:
    response = client.post("/api/v1/messages", headers=staff_team.gateway, json={**MESSAGE, "created_at": moment})
    assert "created_at" in (detail := _problem(response, 422)["detail"]) and "2000-01-01" in detail
    assert _stored_messages(client) == 0


def test_a_hotline_call_time_out_of_range_is_a_422(client: TestClient, ctx: Any) -> None:
    from otklik.services import staff

    token, _ = staff.create_token(ctx, "hotline-test", ["hotline"])
    call = {"text": "Нет света на улице Ленина", "call_time": "0001-01-01T00:00:00+14:00"}
    response = client.post("/api/v1/channels/hotline/calls", json=call, headers={"X-Api-Key": token})
    assert "call_time" in _problem(response, 422)["detail"]


@pytest.mark.parametrize("number", ["1e30", "5.0", "5.5", "99999999999999999999999", '"7"', "-1", "0"])
def test_a_duplicate_of_that_is_not_an_id_is_a_422(client: TestClient, number: str) -> None:
    body = f'{{"to": "rejected", "reject_reason": "duplicate", "duplicate_of": {number}}}'
    response = client.post("/api/v1/appeals/1/transitions", content=body, headers={"content-type": "application/json"})
    assert "duplicate_of" in _problem(response, 422)["detail"]


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/v1/moderation/bulk", '{"appeal_ids": [1e30], "action": "accept"}', "appeal_ids"),
        ("/api/v1/moderation/bulk", '{"appeal_ids": [1.5], "action": "accept"}', "appeal_ids"),
        ("/api/v1/appeals/1/extensions", '{"days": 1e30, "reason": "нужна экспертиза"}', "days"),
        ("/api/v1/appeals/1/extensions", '{"days": 100000000000000000000000, "reason": "экспертиза"}', "days"),
        ("/api/v1/appeals/1/ratings", '{"score": 4.0, "solved": true}', "score"),
    ],
)
def test_numbers_that_are_not_the_integer_asked_for_are_a_422(
    client: TestClient, url: str, body: str, field: str
) -> None:
    response = client.post(url, content=body, headers={"content-type": "application/json"})
    assert field in _problem(response, 422)["detail"]


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json_numbers(client: TestClient, staff_team: StaffTeam, constant: str) -> None:
    body = json.dumps(MESSAGE)[:-1] + f', "lat": {constant}, "lon": 40.9}}'
    assert constant in _problem(_post_raw(client, "/api/v1/messages", body, staff_team.gateway), 422)["detail"]
    as_text = {**MESSAGE, "lat": constant, "lon": 40.9}  # "NaN" as a string: pydantic would take it as a float
    assert "lat" in _problem(client.post("/api/v1/messages", headers=staff_team.gateway, json=as_text), 422)["detail"]
    assert _stored_messages(client) == 0


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/v1/extensions/{id}/decision", {"approve": True}),
        ("/api/v1/answers/{id}/approve", {}),
        ("/api/v1/moderation/not-appeals/{id}/promote", {}),
        ("/api/v1/appeals/{id}/extensions", {"days": 5, "reason": "экспертиза"}),
    ],
)
@pytest.mark.parametrize("row_id", [3_000_000_000, 99999999999999999999, 0])
def test_ids_of_every_kind_beyond_the_column_are_404(
    client: TestClient, url: str, body: dict[str, Any], row_id: int
) -> None:
    response = client.post(url.format(id=row_id), json=body)
    assert str(row_id) in _problem(response, 404)["detail"]


def test_a_context_over_its_limits_is_a_422(client: TestClient, staff_team: StaffTeam) -> None:
    wide = {f"k{i}": i for i in range(51)}
    deep: dict[str, Any] = {"a": {"b": {"c": {"d": {"e": {"f": 1}}}}}}
    big = {"blob": "я" * 20_000}
    for context, fragment in ((wide, "50 keys"), (deep, "5 levels"), (big, "bytes")):
        response = client.post("/api/v1/messages", headers=staff_team.gateway, json={**MESSAGE, "context": context})
        assert fragment in _problem(response, 422)["detail"]
    assert _stored_messages(client) == 0


def test_a_body_over_the_limit_is_413_before_it_is_read(client: TestClient, staff_team: StaffTeam) -> None:
    huge = {**MESSAGE, "context": {"blob": "x" * (2 * 1024 * 1024)}}
    response = client.post("/api/v1/messages", headers=staff_team.gateway, json=huge)
    assert "larger than" in _problem(response, 413)["detail"]

    def chunks() -> Any:  # no Content-Length: the guard counts the bytes as they come
        yield b'{"channel": "vk", "text": "'
        for _ in range(40):
            yield b"x" * 65536
        yield b'"}'

    streamed = client.post(
        "/api/v1/messages", content=chunks(), headers={**staff_team.gateway, "content-type": "application/json"}
    )
    _problem(streamed, 413)
    assert _stored_messages(client) == 0


def test_json_nested_too_deep_is_a_422(client: TestClient, staff_team: StaffTeam) -> None:
    body = '{"context": ' + "[" * 200_000 + "]" * 200_000 + "}"
    response = _post_raw(client, "/api/v1/messages", body, staff_team.gateway)
    assert "nested deeper" in _problem(response, 422)["detail"]


def test_schema_valid_strings_are_the_ones_the_code_takes(client: TestClient) -> None:
    """`agency_id: ""` and `group: ""` are refused by the schema itself (minLength), with the field named."""
    for url, body, field in (
        ("/api/v1/appeals/1/transitions", {"to": "assigned", "agency_id": ""}, "agency_id"),
        ("/api/v1/appeals/1/corrections", {"group": ""}, "group"),
    ):
        assert field in _problem(client.post(url, json=body), 422)["detail"]
