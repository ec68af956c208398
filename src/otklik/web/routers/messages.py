"""Any channel's raw message in: stored once, judged, and answered with the decision."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import State

from otklik.domain.channels import Channel, parse_channel
from otklik.domain.errors import Forbidden
from otklik.domain.message import Author, InboundMessage, MessageDecision
from otklik.observability import MESSAGES_RECEIVED
from otklik.services.accept_batch import AcceptBatcher
from otklik.services.context import ServiceContext
from otklik.services.messages import message_status, receive_message
from otklik.web.auth import AnyPrincipal
from otklik.web.dependencies import Ctx
from otklik.web.schemas.messages import MessageDecisionOut, MessageIn

router = APIRouter(prefix="/api/v1", tags=["messages"])


@router.post("/messages", status_code=202, response_model=MessageDecisionOut)
async def post_message(body: MessageIn, request: Request, principal: AnyPrincipal) -> JSONResponse:
    """A channel gateway posts what it received; its token must carry the scope `messages:<channel>`, so a
    token issued for VK cannot make Otklik write e-mails to addresses it names."""
    channel = parse_channel(body.channel)
    if not principal.may_post(channel.value):
        raise Forbidden(f"токен не выдан для канала {channel.value!r}: нужна область messages:{channel.value}")
    return await accept_message(request.app.state, inbound_message(body, channel))


# A request that is plainly fine takes a shorter way to the same two functions below: web/message_lane.py.


def inbound_message(body: MessageIn, channel: Channel) -> InboundMessage:
    return InboundMessage(
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


async def accept_message(state: State, message: InboundMessage) -> JSONResponse:
    """Store the message (or find it stored) and answer 202 with where its decision can be read."""
    ctx: ServiceContext = state.ctx  # not a dependency: each costs every request a pass of its own
    decision = await _accept(state, ctx, message)
    MESSAGES_RECEIVED.labels(message.channel.value, decision.outcome.value).inc()
    return JSONResponse(
        _decision_json(decision),  # the fields of MessageDecisionOut, without building the model to dump it
        status_code=202,
        headers={"Location": f"/api/v1/messages/{decision.message_id}"},
    )


async def _accept(state: State, ctx: ServiceContext, message: InboundMessage) -> MessageDecision:
    """With a broker, the messages in flight are stored together (services/accept_batch.py); a re-delivery, or
    the embedded mode's store-and-decide, runs one by one in the thread pool (docs/ingestion.md)."""
    if not ctx.bus.synchronous:
        decision = await _batcher(state, ctx).accept(message)
        if decision is not None:
            return decision
    return await run_in_threadpool(receive_message, ctx, message)


def _batcher(state: State, ctx: ServiceContext) -> AcceptBatcher:
    """One per app, made on first use (on the event loop, so never twice)."""
    batcher: AcceptBatcher | None = getattr(state, "accept_batcher", None)
    if batcher is None:
        batcher = state.accept_batcher = AcceptBatcher(ctx)
    return batcher


@router.get("/messages/{message_id}", response_model=MessageDecisionOut)
def get_message_decision(message_id: int, ctx: Ctx, principal: AnyPrincipal) -> MessageDecisionOut:
    """What was decided about a posted message: `queued` until a worker has decided. The gateway token of the
    message's channel may ask (it polls for the appeal number), and so may staff who read appeals."""
    return _decision_out(message_status(ctx, principal, message_id))


def _decision_json(decision: MessageDecision) -> dict[str, int | str | None]:
    return {
        "message_id": decision.message_id,
        "decision": decision.outcome.value,
        "appeal_id": decision.appeal_id,
        "appeal_number": decision.appeal_number,
        "reason": decision.reason,
    }


def _decision_out(decision: MessageDecision) -> MessageDecisionOut:
    return MessageDecisionOut.model_validate(_decision_json(decision))
