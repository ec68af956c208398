"""The webhook on the real app with aiogram talking to the local Bot API: secret, appeals, /status, locations."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from otklik.channels.telegram import texts
from otklik.channels.telegram.routes import telegram_settings
from otklik.channels.telegram.settings import TelegramSettings
from otklik.services import citizens
from otklik.services.context import ServiceContext

from .conftest import URL, post_update
from .fake_bot_api import CITIZEN, FakeBotApi, message_update

pytestmark = pytest.mark.db
POTHOLE = "Огромная яма на дороге по улице Советской в Шарье, машины бьют колёса"


def _appeals(client: TestClient) -> list[dict[str, object]]:
    items: list[dict[str, object]] = client.get("/api/v1/appeals").json()["items"]
    return items


def test_secret_header_is_required(tg_client: TestClient, api: FakeBotApi) -> None:
    update = message_update(text=POTHOLE)
    assert post_update(tg_client, update, secret=None) == 403
    wrong = tg_client.post(URL, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "nope"})
    assert wrong.status_code == 403 and wrong.headers["content-type"].startswith("application/problem+json")
    assert "wh-secret" not in wrong.text
    assert _appeals(tg_client) == [] and api.calls == []


def test_unconfigured_webhook_is_404(tg_client: TestClient, settings: TelegramSettings) -> None:
    unconfigured = settings.model_copy(update={"webhook_secret": None})
    tg_client.app.dependency_overrides[telegram_settings] = lambda: unconfigured  # type: ignore[attr-defined]
    assert post_update(tg_client, message_update(text=POTHOLE)) == 404


def test_malformed_update_is_422(tg_client: TestClient) -> None:
    assert post_update(tg_client, {"update_id": "x", "message": 5}) == 422


def test_text_message_is_one_appeal_even_when_delivered_twice(tg_client: TestClient, api: FakeBotApi) -> None:
    update = message_update(text=POTHOLE)
    assert post_update(tg_client, update) == 200
    assert post_update(tg_client, update) == 200
    appeals = _appeals(tg_client)
    assert len(appeals) == 1
    assert appeals[0]["channel"] == "telegram_bot" and appeals[0]["kind"] == "message"
    assert api.sent() == []  # the number comes as the acknowledgement through the outbox, not twice


def test_location_then_text_is_an_appeal_at_that_point(tg_client: TestClient, api: FakeBotApi) -> None:
    assert post_update(tg_client, message_update(location={"latitude": 58.3695, "longitude": 45.5127})) == 200
    assert api.sent()[-1]["text"] == texts.LOCATION_SAVED
    assert post_update(tg_client, message_update(text="Не горят фонари во дворе, темно")) == 200
    appeals = _appeals(tg_client)
    assert len(appeals) == 1
    detail = tg_client.get(f"/api/v1/appeals/{appeals[0]['id']}").json()
    assert detail["lat"] == pytest.approx(58.3695) and detail["lon"] == pytest.approx(45.5127)


def test_location_outside_the_region_is_refused(tg_client: TestClient, api: FakeBotApi) -> None:
    assert post_update(tg_client, message_update(location={"latitude": 55.75, "longitude": 37.62})) == 200
    assert api.sent()[-1]["text"] == texts.LOCATION_OUTSIDE


def test_photo_with_caption_and_own_contact(tg_client: TestClient, api: FakeBotApi, ctx: ServiceContext) -> None:
    contact = {"phone_number": "+79101234567", "first_name": "Иван", "user_id": CITIZEN["id"]}
    assert post_update(tg_client, message_update(contact=contact)) == 200
    assert api.sent()[-1]["text"] == texts.CONTACT_SAVED
    photo = [{"file_id": "AgAD-small", "file_unique_id": "s1", "width": 90, "height": 90},
             {"file_id": "AgAD-large", "file_unique_id": "l1", "width": 1280, "height": 960}]  # fmt: skip
    assert post_update(tg_client, message_update(photo=photo, caption=POTHOLE)) == 200
    assert len(_appeals(tg_client)) == 1
    chat_id = str(message_update(text="x")["message"]["chat"]["id"])
    assert citizens.phone_of(ctx, "telegram_bot", chat_id) == "+79101234567"  # kept on the citizen for call-backs


def test_start_and_status(tg_client: TestClient, api: FakeBotApi) -> None:
    assert post_update(tg_client, message_update(text="/start")) == 200
    assert api.sent()[-1]["text"] == texts.WELCOME
    assert api.sent()[-1]["reply_markup"]["keyboard"][0][0]["request_location"] is True
    assert post_update(tg_client, message_update(text="/status")) == 200
    assert api.sent()[-1]["text"] == texts.NO_APPEALS
    post_update(tg_client, message_update(text=POTHOLE))
    number = _appeals(tg_client)[0]["number"]
    assert post_update(tg_client, message_update(text="/status")) == 200
    listing = api.sent()[-1]["text"]
    assert listing.startswith("Ваши обращения:") and f"№ {number}" in listing
    assert post_update(tg_client, message_update(chat_id=999, text="/status")) == 200
    assert api.sent()[-1]["text"] == texts.NO_APPEALS  # another chat sees none of them


def test_group_chats_are_ignored(tg_client: TestClient, api: FakeBotApi) -> None:
    update = message_update(text=POTHOLE)
    update["message"]["chat"] = {"id": -100123, "type": "supergroup", "title": "Шарья онлайн"}
    assert post_update(tg_client, update) == 200
    assert _appeals(tg_client) == [] and api.sent() == []
