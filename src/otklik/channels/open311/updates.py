"""The mySociety `servicerequestupdates` extension: the citizens' notices out, and «not fixed» back in."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from otklik.adapters.db.repositories.appeal_feed import FeedQuery
from otklik.channels.open311 import mapping
from otklik.channels.open311.formats import Open311Error, render, render_errors
from otklik.channels.open311.guards import Conf, answer, check_jurisdiction, client_for, form_fields, param, window
from otklik.channels.open311.settings import Open311Settings
from otklik.domain import access
from otklik.domain.status import AppealStatus
from otklik.services import appeal_feed
from otklik.services.appeals import TransitionRequest, change_status, reopen_until
from otklik.services.context import ServiceContext
from otklik.web.dependencies import Ctx

router = APIRouter()
REOPENING = frozenset({"REOPEN", "OPEN"})  # FixMyStreet sends OPEN when a reporter says it is not fixed


@router.get("/servicerequestupdates.{fmt}")
def get_updates(fmt: str, request: Request, ctx: Ctx, conf: Conf) -> Response:
    """Notices given to the citizens since a date. With a valid api_key the texts are whole; without, masked."""

    def produce(f: str) -> Response:
        check_jurisdiction(param(request, "jurisdiction_id"), conf)
        key = param(request, "api_key")
        trusted = key is not None and bool(client_for(key, ctx, conf))
        start, end = window(request, conf, ctx.clock.now())
        notices = appeal_feed.notices_between(ctx, conf.public_channels, start, end, limit=conf.max_requests)
        mask = ctx.understanding.normalizer.normalize
        views = [mapping.update_view(n, n.text if trusted else mask(n.text).masked) for n in notices]
        return render(f, "service_request_updates", views)

    return answer(fmt, produce)


@router.post("/servicerequestupdates.{fmt}")
async def post_update(fmt: str, request: Request, ctx: Ctx, conf: Conf) -> Response:
    """A citizen's update from the client. Only «not fixed» (REOPEN/OPEN on a closed request) is taken: it
    returns the appeal to work within the reopen window, as the portal's reopen does."""
    data = await form_fields(request)
    if data is None:
        return render_errors(fmt, 400, [(400, "тело запроса должно быть application/x-www-form-urlencoded")])
    return await run_in_threadpool(answer, fmt, lambda f: _reopen(f, data, request, ctx, conf))


def _reopen(
    fmt: str, form: dict[str, list[str]], request: Request, ctx: ServiceContext, conf: Open311Settings
) -> Response:
    def one(name: str) -> str:
        return (form.get(name) or [""])[-1].strip()

    check_jurisdiction(one("jurisdiction_id") or param(request, "jurisdiction_id"), conf)
    client = client_for(one("api_key") or param(request, "api_key"), ctx, conf)
    for name in ("service_request_id", "update_id", "status"):
        if not one(name):
            raise Open311Error(400, f"нужен {name}")
    if one("status").upper() not in REOPENING:
        raise Open311Error(400, "принимаются только обновления REOPEN: гражданин сообщает, что проблема не решена")
    number = one("service_request_id")
    rows = appeal_feed.find_requests(ctx, FeedQuery(conf.public_channels, numbers=(number,), limit=1))
    if not rows:
        raise Open311Error(404, f"заявка {number!r} не найдена")
    appeal = rows[0].appeal
    reply = render(fmt, "service_request_updates", [{"update_id": f"{client}:{one('update_id')}"}])
    if appeal.status_enum is AppealStatus.REOPENED:
        return reply  # a retry of the same update: already back in work
    until = reopen_until(ctx, appeal)
    if until is None:
        raise Open311Error(400, f"заявка {number} ещё не закрыта: возвращать в работу нечего")
    if ctx.clock.now() > until:
        raise Open311Error(400, f"вернуть заявку в работу можно в течение {ctx.settings.reopen_days} дней после ответа")
    reason = f"гражданин через Open311 ({client}): проблема не решена. {one('description')}".strip()[:2000]
    assert appeal.id is not None
    reopen = TransitionRequest(AppealStatus.REOPENED, reason=reason)
    change_status(ctx, access.citizen(f"open311:{client}"), appeal.id, reopen)
    return reply
