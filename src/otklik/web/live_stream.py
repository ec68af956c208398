"""One server-sent-events stream of the live feed, filtered by the reader's scope: the API's
`/api/v1/moderation/stream` (bearer) and the workplace's `/ui/moderation/stream` (cookie) both answer with it."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator

from fastapi.responses import StreamingResponse

from otklik.domain.access import Action, AppealScope, Principal, authorize, scope_of
from otklik.services import live_feed
from otklik.services.context import ServiceContext

HEARTBEAT_SECONDS = 15.0  # a comment line keeps proxies from closing an idle stream
# Then the browser's EventSource reconnects: the session or token is checked again, a closed tab frees its worker.
STREAM_SECONDS = 300.0


def scoped_event_stream(
    ctx: ServiceContext, principal: Principal, *, seconds: float = STREAM_SECONDS
) -> StreamingResponse:
    authorize(principal, Action.READ)
    return StreamingResponse(
        _events(ctx, scope_of(principal), seconds),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def _events(ctx: ServiceContext, scope: AppealScope, seconds: float) -> AsyncIterator[str]:
    with live_feed.subscribe(ctx) as subscription:
        yield "retry: 3000\n\n"  # subscribed: what happens from now on reaches this reader
        ends = time.monotonic() + seconds
        while time.monotonic() < ends:
            event = await subscription.next(HEARTBEAT_SECONDS)
            if event is None:
                yield ": heartbeat\n\n"
            elif scope.admits(event.get("municipality_id"), event.get("agency_id"), event.get("status")):
                yield f"data: {json.dumps(event, ensure_ascii=False)}\n\n"
