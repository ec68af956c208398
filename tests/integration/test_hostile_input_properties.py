"""Property-based (Hypothesis): hostile strings, numbers and times into every JSON endpoint that takes a body — never a
5xx, every 4xx a problem+json with a `detail`, and nothing stored when a message is refused."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from staff_support import StaffTeam

pytestmark = pytest.mark.db

HOSTILE_TEXT = st.one_of(
    st.sampled_from(
        [
            "\u0000",
            "a\u0000b",
            "\ud800",
            "x\udfffy",
            "\u202eevil\u202c",  # right-to-left override
            "🚰💩" * 50,
            "'; DROP TABLE appeals; --",
            "<script>alert(1)</script>",
            "%",
            "_",
            "\\",
            "",
            " ",
            "я" * 25_000,
            "NaN",
        ]
    ),
    st.text(max_size=60),
)
HOSTILE_NUMBER = st.sampled_from(
    ["1e30", "-1", "0", "5.5", "5.0", "99999999999999999999999", "NaN", "-Infinity", '"7"']
)
HOSTILE_TIME = st.sampled_from(
    [
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-12:00",
        "2026-02-30T10:00:00+03:00",
        "2026-11-27T10:00:00",
        "1970-01-01T00:00:00Z",
        "not a time",
        "2026-11-27T10:00:00+03:00",
    ]
)
SETTINGS = settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))

MESSAGE = {
    "channel": "vk",
    "external_id": "wall-1_100_5",
    "text": "Не вывозят мусор на улице Мира в Буе вторую неделю",
    "author": {"name": "Анна", "id": "123"},
    "created_at": "2026-11-27T10:00:00+03:00",
}


def _assert_answered(response: Any) -> None:
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.headers["content-type"].startswith("application/problem+json"), response.text
        assert response.json()["detail"]


def _raw(value: Any) -> str:
    """JSON text for a value; a `_Raw` number is written as is (1e30, NaN: not what json.dumps would write)."""
    return value.text if isinstance(value, _Raw) else json.dumps(value, ensure_ascii=True)


class _Raw:
    def __init__(self, text: str) -> None:
        self.text = text


def _body(fields: dict[str, Any]) -> bytes:
    return ("{" + ", ".join(f"{json.dumps(k)}: {_raw(v)}" for k, v in fields.items()) + "}").encode()


MESSAGE_FIELDS = st.sampled_from(["text", "external_id", "channel", "address", "url", "author.name", "context.key"])


@given(field=MESSAGE_FIELDS, value=HOSTILE_TEXT)
@SETTINGS
def test_hostile_strings_into_a_message(client: TestClient, staff_team: StaffTeam, field: str, value: str) -> None:
    before = client.get("/api/v1/appeals").json()["total"]
    fields: dict[str, Any] = {**MESSAGE, "external_id": f"h-{abs(hash((field, value)))}"}
    if field == "author.name":
        fields["author"] = {"name": value}
    elif field == "context.key":
        fields["context"] = {value: value}
    else:
        fields[field] = value
    response = client.post(
        "/api/v1/messages", content=_body(fields), headers={**staff_team.gateway, "content-type": "application/json"}
    )
    _assert_answered(response)
    if response.status_code >= 400:
        assert client.get("/api/v1/appeals").json()["total"] == before


@given(field=st.sampled_from(["lat", "lon", "created_at"]), number=HOSTILE_NUMBER, moment=HOSTILE_TIME)
@SETTINGS
def test_hostile_numbers_and_times_into_a_message(
    client: TestClient, staff_team: StaffTeam, field: str, number: str, moment: str
) -> None:
    fields: dict[str, Any] = {**MESSAGE, "external_id": f"n-{abs(hash((field, number, moment)))}", "created_at": moment}
    if field != "created_at":
        fields.update({"lat": _Raw("57.77"), "lon": _Raw("40.93"), field: _Raw(number)})
    response = client.post(
        "/api/v1/messages", content=_body(fields), headers={**staff_team.gateway, "content-type": "application/json"}
    )
    _assert_answered(response)


# Endpoints of the staff API with a JSON body: each field below gets hostile strings and numbers.
STAFF_BODIES: list[tuple[str, dict[str, Any], str]] = [
    ("/api/v1/appeals", {"text": "Яма", "citizen": {"name": "Анна"}}, "text"),
    ("/api/v1/appeals", {"text": "Яма", "citizen": {"name": "Анна"}, "address": "Мира"}, "address"),
    ("/api/v1/appeals/1/transitions", {"to": "in_progress"}, "reason"),
    ("/api/v1/appeals/1/transitions", {"to": "assigned"}, "agency_id"),
    ("/api/v1/appeals/1/transitions", {"to": "rejected", "reject_reason": "duplicate"}, "duplicate_of"),
    ("/api/v1/appeals/1/replies", {"kind": "interim"}, "text"),
    ("/api/v1/appeals/1/ratings", {"solved": True}, "score"),
    ("/api/v1/appeals/1/corrections", {}, "group"),
    ("/api/v1/appeals/1/extensions", {"reason": "экспертиза"}, "days"),
    ("/api/v1/appeals/1/answers", {}, "text"),
    ("/api/v1/moderation/bulk", {"action": "accept"}, "appeal_ids"),
    ("/api/v1/portal/register", {"password": "x" * 12}, "name"),
    ("/api/v1/channels/hotline/calls", {"call_time": "2026-11-27T10:00:00+03:00"}, "text"),
]


@given(
    target=st.sampled_from(STAFF_BODIES),
    value=st.one_of(HOSTILE_TEXT.map(lambda t: json.dumps(t, ensure_ascii=True)), HOSTILE_NUMBER),
)
@SETTINGS
def test_hostile_values_into_every_json_body(
    client: TestClient, staff_team: StaffTeam, target: tuple[str, dict[str, Any], str], value: str
) -> None:
    url, base, field = target
    fields = {**base, field: _Raw(f"[{value}]" if field == "appeal_ids" else value)}
    headers = {"content-type": "application/json", "X-Api-Key": "wrong"}
    _assert_answered(client.post(url, content=_body(fields), headers=headers))


@given(name=st.sampled_from(["q", "municipality", "group", "agency", "status", "page", "per_page"]), value=HOSTILE_TEXT)
@SETTINGS
def test_hostile_query_parameters(client: TestClient, name: str, value: str) -> None:
    # A surrogate as its (invalid) UTF-8 bytes; 1,000 characters at most: a longer URL the client itself refuses.
    encoded = quote(value[:1000].encode("utf-8", "surrogatepass"), safe="")
    _assert_answered(client.get(f"/api/v1/appeals?{name}={encoded}"))
