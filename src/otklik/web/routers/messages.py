"""Any channel's raw message in: stored once, judged, and answered with the decision."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from otklik.domain.channels import parse_channel
from otklik.domain.errors import Forbidden
from otklik.domain.message import Author, InboundMessage
from otklik.observability import MESSAGES_RECEIVED
from otklik.services.messages import receive_message
from otklik.web.auth import AnyPrincipal
from otklik.web.dependencies import Ctx
from otklik.web.schemas.messages import MessageDecisionOut, MessageIn

router = APIRouter(prefix="/api/v1", tags=["messages"])


@router.post("/messages", status_code=202, response_model=MessageDecisionOut)
def post_message(body: MessageIn, ctx: Ctx, principal: AnyPrincipal) -> JSONResponse:
    """A channel gateway posts what it received; its token must carry the scope `messages:<channel>`, so a
    token issued for VK cannot make Otklik write e-mails to addresses it names."""
    channel = parse_channel(body.channel)
    if not principal.may_post(channel.value):
        raise Forbidden(f"токен не выдан для канала {channel.value!r}: нужна область messages:{channel.value}")
    message = InboundMessage(
        channel=channel,
        external_id=body.external_id,
        text=body.text,
        created_at=body.created_at,
        author=Author(
            name=body.author.name,
            external_id=body.author.id,
            phone=body.author.phone,
            email=body.author.email,
            profile_url=body.author.url,
        ),
        url=body.url,
        lat=body.lat,
        lon=body.lon,
        address=body.address,
        context=body.context,
    )
    decision = receive_message(ctx, message)
    MESSAGES_RECEIVED.labels(message.channel.value, decision.outcome.value).inc()
    out = MessageDecisionOut(
        message_id=decision.message_id,
        decision=decision.outcome.value,
        appeal_id=decision.appeal_id,
        appeal_number=decision.appeal_number,
        reason=decision.reason,
    )
    return JSONResponse(out.model_dump(mode="json"), status_code=202)
