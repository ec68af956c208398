"""The mySociety servicerequestupdates extension: what the citizen was told, each notice exactly once."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from open311_support import API_KEY, post_request

from otklik.channels.open311.sender import build_sender
from otklik.domain.access import SYSTEM
from otklik.notify.worker import DeliveryWorker
from otklik.services import appeals as appeal_service
from otklik.services.context import ServiceContext

pytestmark = pytest.mark.db
URL = "/open311/v2/servicerequestupdates"
ANSWER = "Яма заделана 30 ноября, ответственный — Иван Петров, тел. +7 910 123-45-67."


def _appeal_id(client: TestClient, number: str) -> int:
    return int(client.get("/api/v1/appeals", params={"q": number}).json()["items"][0]["id"])


def test_an_answer_arrives_in_the_open311_channel_exactly_once(
    client: TestClient, ctx: ServiceContext, pothole_code: str
) -> None:
    number = post_request(client, pothole_code, **{"attribute[fixmystreet_id]": "fms-1"}).json()[0][
        "service_request_id"
    ]
    post_request(client, pothole_code, **{"attribute[fixmystreet_id]": "fms-1"})  # delivered twice: one appeal
    appeal_id = _appeal_id(client, number)
    appeal_service.add_reply(ctx, SYSTEM, appeal_id, kind=appeal_service.ReplyKind.FINAL, text=ANSWER)
    worker = DeliveryWorker(ctx, {"open311": build_sender(ctx.settings)})
    worker.run_once()
    worker.run_once()  # a second round (or a restart) sends nothing again

    deliveries = client.get(f"/api/v1/appeals/{appeal_id}").json()["deliveries"]
    assert sorted(d["kind"] for d in deliveries) == ["ack", "reply_final"]
    assert all(d["status"] == "sent" and d["attempts"] == 1 for d in deliveries)

    updates = client.get(f"{URL}.json", params={"api_key": API_KEY}).json()
    assert [u["status"] for u in updates] == ["open", "fixed"]
    answer = [u for u in updates if u["status"] == "fixed"]
    assert len(answer) == 1 and ANSWER in answer[0]["description"]
    assert answer[0]["service_request_id"] == number
    assert "Ответ ожидается до" in updates[0]["description"] and number in updates[0]["description"]
    assert len({u["update_id"] for u in updates}) == 2
    again = client.get(f"{URL}.json", params={"api_key": API_KEY}).json()
    assert again == updates, "the same update keeps its id: a poller de-duplicates by update_id"


def test_updates_without_a_key_are_masked_and_a_wrong_key_is_403(
    client: TestClient, ctx: ServiceContext, pothole_code: str
) -> None:
    number = post_request(client, pothole_code).json()[0]["service_request_id"]
    appeal_service.add_reply(ctx, SYSTEM, _appeal_id(client, number), kind=appeal_service.ReplyKind.FINAL, text=ANSWER)
    public = client.get(f"{URL}.json").json()
    assert public and "+7 910 123-45-67" not in str(public)
    assert client.get(f"{URL}.json", params={"api_key": "wrong"}).status_code == 403


def test_status_changes_that_matter_are_updates(client: TestClient, ctx: ServiceContext, pothole_code: str) -> None:
    number = post_request(client, pothole_code).json()[0]["service_request_id"]
    appeal_id = _appeal_id(client, number)
    appeal_service.add_reply(ctx, SYSTEM, appeal_id, kind=appeal_service.ReplyKind.FINAL, text="Сделано.")
    appeal_service.rate(ctx, SYSTEM, appeal_id, score=1, solved=False, comment=None)  # reopens
    statuses = [u["status"] for u in client.get(f"{URL}.json", params={"api_key": API_KEY}).json()]
    assert statuses == ["open", "fixed", "reopen"]


def test_updates_in_xml_and_window_errors(client: TestClient, pothole_code: str) -> None:
    number = post_request(client, pothole_code).json()[0]["service_request_id"]
    root = ET.fromstring(client.get(f"{URL}.xml", params={"api_key": API_KEY}).content)
    assert root.tag == "service_request_updates"
    update = root.find("request_update")
    assert update is not None and update.findtext("service_request_id") == number
    assert {child.tag for child in update} >= {"update_id", "status", "updated_datetime", "description"}
    late = client.get(f"{URL}.json", params={"start_date": "2030-01-01T00:00:00Z"})
    assert late.status_code == 200 and late.json() == []
    too_long = client.get(f"{URL}.xml", params={"start_date": "2020-01-01T00:00:00Z", "end_date": "2021-01-01T00:00Z"})
    assert too_long.status_code == 400 and ET.fromstring(too_long.content).findtext("error/code") == "400"


def test_a_citizen_reopens_through_post_updates(client: TestClient, ctx: ServiceContext, pothole_code: str) -> None:
    number = post_request(client, pothole_code).json()[0]["service_request_id"]
    appeal_id = _appeal_id(client, number)
    form = {"api_key": API_KEY, "service_request_id": number, "update_id": "u-1", "status": "REOPEN"}
    form |= {"updated_datetime": "2026-11-28T12:00:00+03:00", "description": "Яма осталась"}
    early = client.post(f"{URL}.json", data=form)
    assert early.status_code == 400 and "не закрыта" in early.json()[0]["description"]
    appeal_service.add_reply(ctx, SYSTEM, appeal_id, kind=appeal_service.ReplyKind.FINAL, text="Сделано.")
    done = client.post(f"{URL}.xml", data=form)
    assert done.status_code == 200, done.text
    assert ET.fromstring(done.content).findtext("request_update/update_id") == "default:u-1"
    assert client.post(f"{URL}.json", data=form).status_code == 200  # a retry changes nothing
    assert client.get(f"/api/v1/appeals/{appeal_id}").json()["status"] == "reopened"
    assert client.get(f"/open311/v2/requests/{number}.json").json()[0]["status"] == "open"
    assert client.post(f"{URL}.json", data={**form, "api_key": "wrong"}).status_code == 403
    comment = client.post(f"{URL}.json", data={**form, "status": "FIXED"})
    assert comment.status_code == 400 and "REOPEN" in comment.json()[0]["description"]
    missing = client.post(f"{URL}.json", data={**form, "service_request_id": "44-2026-999999"})
    assert missing.status_code == 404
