"""The operator API: a hotline or 112 operator enters a call; it becomes a message like any other."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from otklik.channels.hotline.cards import card_from_fields
from otklik.domain.message import MessageOutcome
from otklik.observability import MESSAGES_RECEIVED
from otklik.services.messages import receive_message
from otklik.services.staff import key_client
from otklik.web.auth import bearer_token
from otklik.web.dependencies import Ctx
from otklik.web.schemas.fields import (
    MAX_ADDRESS_LENGTH,
    MAX_EXTERNAL_ID_LENGTH,
    MAX_NAME_LENGTH,
    MAX_TEXT_LENGTH,
    MessageTime,
    NonBlank,
)

router = APIRouter(prefix="/api/v1/channels/hotline", tags=["hotline"])


def require_api_key(request: Request, ctx: Ctx, x_api_key: Annotated[str | None, Header()] = None) -> None:
    """Operators' systems present OTKLIK_API_KEY or an integration token with the scope `hotline`, in X-Api-Key or
    as a bearer token. Closed by default: with no key configured every call is refused."""
    key = x_api_key or bearer_token(request)
    if key_client(ctx, key, "hotline") is not None:
        return
    if ctx.settings.api_key is None and not key:
        raise HTTPException(
            401, "the hotline API is closed: no OTKLIK_API_KEY is configured; use a token (scope hotline)"
        )
    raise HTTPException(401, "a valid X-Api-Key header (or a bearer token with the scope hotline) is required")


class CallIn(BaseModel):
    text: NonBlank = Field(
        max_length=MAX_TEXT_LENGTH, description="what the caller reported, as the operator wrote it down"
    )
    call_time: MessageTime = Field(description="when the citizen called; without a zone it is Moscow time")
    line: Literal["hotline", "112"] = "hotline"
    caller_name: str | None = Field(None, max_length=MAX_NAME_LENGTH)
    phone: str | None = Field(None, max_length=40)
    email: str | None = Field(None, max_length=320, description="when the caller wants the answer by e-mail")
    address: str | None = Field(None, max_length=MAX_ADDRESS_LENGTH)
    card_id: str | None = Field(
        None,
        max_length=MAX_EXTERNAL_ID_LENGTH,
        description="the card's number in the operators' system; makes retries safe",
    )
    operator: str | None = Field(None, max_length=MAX_NAME_LENGTH)


class CallDecisionOut(BaseModel):
    message_id: int
    decision: str
    appeal_id: int | None
    appeal_number: str | None
    reason: str


_STATUS = {MessageOutcome.DUPLICATE: 200, MessageOutcome.QUEUED: 202}


@router.post(
    "/calls",
    status_code=201,
    response_model=CallDecisionOut,
    dependencies=[Depends(require_api_key)],
    responses={200: {"description": "the same card was entered before"}, 202: {"description": "accepted, queued"}},
)
def post_call(body: CallIn, ctx: Ctx) -> JSONResponse:
    """201 with the appeal's number for a new call; 200 with the same appeal when the card was entered before."""
    card = card_from_fields(body.model_dump(exclude_none=True))
    decision = receive_message(ctx, card.to_message())
    MESSAGES_RECEIVED.labels(card.channel.value, decision.outcome.value).inc()
    out = CallDecisionOut(
        message_id=decision.message_id,
        decision=decision.outcome.value,
        appeal_id=decision.appeal_id,
        appeal_number=decision.appeal_number,
        reason=decision.reason,
    )
    return JSONResponse(out.model_dump(mode="json"), status_code=_STATUS.get(decision.outcome, 201))
