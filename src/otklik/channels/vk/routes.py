"""The VK Callback API endpoint: the confirmation handshake, the secret check, «ok» once the message is stored."""

from __future__ import annotations

import hmac
from functools import lru_cache
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import PlainTextResponse

from otklik.channels.vk.ingest import ingest
from otklik.channels.vk.mapping import EVENT_TYPES, map_event
from otklik.channels.vk.settings import VkSettings
from otklik.domain.errors import InvalidInput
from otklik.web.dependencies import Ctx

router = APIRouter(prefix="/channels/vk", tags=["channels"])


@lru_cache(maxsize=1)
def vk_settings() -> VkSettings:
    """Read once from the environment; tests override this dependency."""
    return VkSettings()


@router.post("/callback", response_class=PlainTextResponse, summary="VK Callback API")
async def callback(
    request: Request,
    ctx: Ctx,
    settings: Annotated[VkSettings, Depends(vk_settings)],
) -> PlainTextResponse:
    """«ok» only once the message is in the system of record: VK never resends an event it was told «ok» for, so an
    answer before the write would lose the appeal to a crash in between. A failure is a 5xx, and VK sends the event
    again (up to five times); a repeat is a duplicate. With a broker the write is all this waits for; embedded, the
    understanding runs too — well inside VK's window of several seconds."""
    if not settings.confirmation:
        raise HTTPException(404, "the VK channel is not configured (OTKLIK_VK_CONFIRMATION)")
    event = await _event(request)
    if settings.group_id is not None and event.get("group_id") != settings.group_id:
        raise HTTPException(403, "the event is for another VK community")
    if event.get("type") == "confirmation":
        return PlainTextResponse(settings.confirmation)
    if settings.secret is not None and not _same(event.get("secret"), settings.secret.get_secret_value()):
        raise HTTPException(403, "the secret key of the event does not match")
    if event.get("type") in EVENT_TYPES:
        try:
            message = map_event(event, settings)
        except (KeyError, TypeError, ValueError) as error:
            raise InvalidInput(f"the {event['type']} event is malformed: {type(error).__name__} {error}") from None
        if message is not None:
            await run_in_threadpool(ingest, ctx, message)
    return PlainTextResponse("ok")


async def _event(request: Request) -> dict[str, Any]:
    try:
        event = await request.json()
    except ValueError:
        raise InvalidInput("the body is not JSON: VK sends every event as a JSON object") from None
    if not isinstance(event, dict) or not isinstance(event.get("type"), str):
        raise InvalidInput("the event has no type: expected a VK Callback API object {type, object, group_id}")
    return event


def _same(given: object, expected: str) -> bool:
    return isinstance(given, str) and hmac.compare_digest(given.encode(), expected.encode())
