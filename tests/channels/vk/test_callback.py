"""The Callback API endpoint on the real app: handshake, secret, one appeal per comment however often it comes."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from otklik.channels.vk.routes import vk_settings
from otklik.channels.vk.settings import VkSettings
from otklik.domain.access import SYSTEM
from otklik.services.appeals import get_detail
from otklik.services.context import ServiceContext

from .conftest import sample

pytestmark = pytest.mark.db
URL = "/channels/vk/callback"


def test_confirmation_returns_the_configured_string(vk_client: TestClient) -> None:
    response = vk_client.post(URL, json=sample("confirmation"))
    assert response.status_code == 200
    assert response.text == "a1b2c3d4"


def test_a_comment_delivered_twice_is_one_appeal(vk_client: TestClient, ctx: ServiceContext) -> None:
    event = sample("wall_reply_new")
    for _ in range(2):
        response = vk_client.post(URL, json=event)
        assert response.status_code == 200 and response.text == "ok"
    appeals = vk_client.get("/api/v1/appeals").json()
    assert appeals["total"] == 1
    appeal = appeals["items"][0]
    assert appeal["kind"] == "incident" and appeal["channel"] == "vk"
    deliveries = get_detail(ctx, SYSTEM, appeal["id"]).deliveries
    assert [d.kind for d in deliveries] == ["ack"]
    assert deliveries[0].recipient["context"]["comment_id"] == 5021


def test_wrong_or_missing_secret_is_403(vk_client: TestClient) -> None:
    event = sample("wall_reply_new")
    for secret in ("wrong", None):
        response = vk_client.post(URL, json=dict(event, secret=secret))
        assert response.status_code == 403
        assert response.headers["content-type"].startswith("application/problem+json")
        assert "s3cr3t" not in response.text
    assert vk_client.get("/api/v1/appeals").json()["total"] == 0


def test_event_for_another_community_is_403(vk_client: TestClient) -> None:
    assert vk_client.post(URL, json=dict(sample("confirmation"), group_id=1)).status_code == 403


def test_private_message_becomes_an_appeal(vk_client: TestClient) -> None:
    assert vk_client.post(URL, json=sample("message_new")).text == "ok"
    assert vk_client.get("/api/v1/appeals").json()["total"] == 1


def test_our_own_comment_and_other_events_are_acknowledged_and_ignored(vk_client: TestClient) -> None:
    ours = sample("wall_reply_new")
    ours["object"]["from_id"] = -ours["group_id"]
    assert vk_client.post(URL, json=ours).text == "ok"
    assert vk_client.post(URL, json=dict(ours, type="group_join", object={"user_id": 1})).text == "ok"
    assert vk_client.get("/api/v1/appeals").json()["total"] == 0


def test_malformed_and_unconfigured(vk_client: TestClient, settings: VkSettings) -> None:
    assert vk_client.post(URL, content=b"not json").status_code == 422
    broken = sample("wall_reply_new")
    del broken["object"]["id"]
    assert vk_client.post(URL, json=broken).status_code == 422
    unconfigured = settings.model_copy(update={"confirmation": None})
    vk_client.app.dependency_overrides[vk_settings] = lambda: unconfigured  # type: ignore[attr-defined]
    assert vk_client.post(URL, json=sample("confirmation")).status_code == 404


REFUSE = {
    "sqlite": [
        "CREATE TRIGGER refuse_messages BEFORE INSERT ON messages BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    ],
    "postgresql": [
        "CREATE FUNCTION refuse_messages() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$"
        " LANGUAGE plpgsql",
        "CREATE TRIGGER refuse_messages BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION refuse_messages()",
    ],
}
ALLOW = {
    "sqlite": ["DROP TRIGGER refuse_messages"],
    "postgresql": ["DROP TRIGGER refuse_messages ON messages", "DROP FUNCTION refuse_messages()"],
}


def _run(ctx: ServiceContext, statements: dict[str, list[str]]) -> None:
    with ctx.uow.engine.begin() as connection:
        for statement in statements[ctx.uow.engine.dialect.name]:
            connection.exec_driver_sql(statement)


def test_no_ok_before_the_message_is_stored_so_vk_sends_it_again(vk_client: TestClient, ctx: ServiceContext) -> None:
    """VK never resends an event it was told «ok» for: when the write fails (here the database itself refuses it),
    the answer is an error, and the event VK sends again becomes the appeal."""
    event = sample("wall_reply_new")
    _run(ctx, REFUSE)
    try:
        refused = vk_client.post(URL, json=event)
    finally:
        _run(ctx, ALLOW)
    assert refused.status_code >= 500 and refused.text != "ok"
    assert vk_client.get("/api/v1/appeals").json()["total"] == 0
    again = vk_client.post(URL, json=event)
    assert again.status_code == 200 and again.text == "ok"
    assert vk_client.get("/api/v1/appeals").json()["total"] == 1
