"""The Open311 GeoReport v2 endpoints at /open311/v2/, with the mySociety `servicerequestupdates` extension."""

from __future__ import annotations

import structlog
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from otklik.adapters.db.repositories.appeal_feed import FeedQuery
from otklik.channels.open311 import mapping, updates
from otklik.channels.open311.catalog import Catalog, definition_view, service_view
from otklik.channels.open311.formats import Open311Error, render, render_errors
from otklik.channels.open311.guards import Conf, answer, check_jurisdiction, client_for, form_fields, param, window
from otklik.channels.open311.settings import Open311Settings
from otklik.domain import access
from otklik.domain.message import MessageOutcome
from otklik.observability import MESSAGES_RECEIVED
from otklik.services import appeal_feed
from otklik.services.appeals import get_detail
from otklik.services.context import ServiceContext
from otklik.services.messages import receive_message
from otklik.web.dependencies import Ctx

log = structlog.get_logger(__name__)
router = APIRouter(prefix="/open311/v2", tags=["open311"])
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANNEL = "open311"


@router.get("/discovery.{fmt}")
def discovery(fmt: str, request: Request, conf: Conf) -> Response:
    url = conf.public_url or str(request.url_for("discovery", fmt=fmt)).rsplit("/", 1)[0] + "/"

    def produce(f: str) -> Response:
        endpoint = {
            "specification": SPECIFICATION,
            "url": url,
            "changeset": conf.changeset,
            "type": conf.endpoint_type,
            "formats": ["text/xml", "application/json"],
        }
        body = {
            "changeset": conf.changeset,
            "contact": conf.contact,
            "key_service": conf.key_service,
            "endpoints": [endpoint],
        }
        return render(f, "discovery", body)

    return answer(fmt, produce)


@router.get("/services.{fmt}")
def services(fmt: str, request: Request, ctx: Ctx, conf: Conf) -> Response:
    def produce(f: str) -> Response:
        check_jurisdiction(param(request, "jurisdiction_id"), conf)
        return render(f, "services", [service_view(s) for s in Catalog(ctx.reference.rubricator).active()])

    return answer(fmt, produce)


@router.get("/services/{service_code}.{fmt}")
def service_definition(service_code: str, fmt: str, request: Request, ctx: Ctx, conf: Conf) -> Response:
    def produce(f: str) -> Response:
        check_jurisdiction(param(request, "jurisdiction_id"), conf)
        service = Catalog(ctx.reference.rubricator).get(service_code)
        if service is None:
            raise Open311Error(404, f"service_code {service_code!r} не найден; список: services.{f}")
        return render(f, "service_definition", definition_view(service))

    return answer(fmt, produce)


def _requests_query(request: Request, ctx: ServiceContext, conf: Open311Settings, catalog: Catalog) -> FeedQuery:
    ids = param(request, "service_request_id")
    if ids:  # overrides every other parameter
        numbers = tuple(n.strip() for n in ids.split(",") if n.strip())
        return FeedQuery(conf.public_channels, numbers=numbers, limit=conf.max_requests)
    topics, codes = [], []
    for code in (param(request, "service_code") or "").split(","):
        if code.strip():
            service = catalog.get(code.strip(), active_only=False)
            if service is None:
                raise Open311Error(404, f"service_code {code.strip()!r} не найден")
            topics.append(service.topic.name)
            codes.append(service.code)
    status = param(request, "status")
    statuses = mapping.statuses_for(s.strip() for s in status.split(",") if s.strip()) if status else ()
    start, end = window(request, conf, ctx.clock.now())
    return FeedQuery(conf.public_channels, (), tuple(topics), tuple(codes), statuses, start, end, conf.max_requests)


def _request_views(ctx: ServiceContext, query: FeedQuery, catalog: Catalog) -> list[dict[str, object]]:
    views = []
    for row in appeal_feed.find_requests(ctx, query):
        agency = ctx.reference.agency(row.appeal.agency_id) if row.appeal.agency_id else None
        # GET requests is public: the answer is shown with personal data masked, as the appeal's text is.
        notes = ctx.understanding.normalizer.normalize(row.last_reply).masked if row.last_reply else None
        code = catalog.code_for(row.appeal.topic)
        views.append(mapping.request_view(row, code=code, agency=agency.name if agency else None, notes=notes))
    return views


@router.get("/requests.{fmt}")
def get_requests(fmt: str, request: Request, ctx: Ctx, conf: Conf) -> Response:
    def produce(f: str) -> Response:
        check_jurisdiction(param(request, "jurisdiction_id"), conf)
        catalog = Catalog(ctx.reference.rubricator)
        return render(f, "service_requests", _request_views(ctx, _requests_query(request, ctx, conf, catalog), catalog))

    return answer(fmt, produce)


@router.get("/requests/{service_request_id}.{fmt}")
def get_request(service_request_id: str, fmt: str, request: Request, ctx: Ctx, conf: Conf) -> Response:
    def produce(f: str) -> Response:
        check_jurisdiction(param(request, "jurisdiction_id"), conf)
        catalog = Catalog(ctx.reference.rubricator)
        query = FeedQuery(conf.public_channels, numbers=(service_request_id,), limit=1)
        views = _request_views(ctx, query, catalog)
        if not views:
            raise Open311Error(404, f"заявка {service_request_id!r} не найдена")
        return render(f, "service_requests", views)

    return answer(fmt, produce)


@router.post("/requests.{fmt}")
async def post_request(fmt: str, request: Request, ctx: Ctx, conf: Conf) -> Response:
    data = await form_fields(request)
    if data is None:
        return render_errors(fmt, 400, [(400, "тело запроса должно быть application/x-www-form-urlencoded")])
    return await run_in_threadpool(answer, fmt, lambda f: _create(f, data, request, ctx, conf))


def _create(
    fmt: str, form: dict[str, list[str]], request: Request, ctx: ServiceContext, conf: Open311Settings
) -> Response:
    def one(name: str) -> str | None:
        value = (form.get(name) or [""])[-1].strip()
        return value or None

    check_jurisdiction(one("jurisdiction_id") or param(request, "jurisdiction_id"), conf)
    client = client_for(one("api_key") or param(request, "api_key"), ctx, conf)
    code = one("service_code")
    if not code:
        raise Open311Error(400, "нужен service_code")
    service = Catalog(ctx.reference.rubricator).get(code)
    if service is None:
        raise Open311Error(404, f"service_code {code!r} не найден; список: services.{fmt}")
    message = mapping.inbound_message(
        form,
        service=service,
        client=client,
        idempotency_key=request.headers.get("idempotency-key"),
        now=ctx.clock.now(),
        max_description=conf.max_description,
    )
    decision = receive_message(ctx, message)
    MESSAGES_RECEIVED.labels(CHANNEL, decision.outcome.value).inc()
    log.info("open311.request_received", client=client, outcome=decision.outcome.value, appeal=decision.appeal_number)
    item: dict[str, object] = {}
    if decision.appeal_id is not None:
        detail = get_detail(ctx, access.system(f"open311:{client}"), decision.appeal_id)
        ack = next((d.text for d in detail.deliveries if d.kind == "ack"), None)
        item = {
            "service_request_id": detail.appeal.number,
            "service_notice": ack or mapping.registration_notice(detail.appeal),
        }
    elif decision.outcome is MessageOutcome.NOT_AN_APPEAL:
        raise Open311Error(400, f"заявка не зарегистрирована: {decision.reason}")
    else:  # a broker will register it: the client asks tokens/{token} later
        item = {"token": str(decision.message_id), "service_notice": "Заявка принята и будет зарегистрирована."}
    if one("account_id"):
        item["account_id"] = one("account_id")
    return render(fmt, "service_requests", [item])


@router.get("/tokens/{token}.{fmt}")
def get_token(token: str, fmt: str, request: Request, ctx: Ctx, conf: Conf) -> Response:
    def produce(f: str) -> Response:
        check_jurisdiction(param(request, "jurisdiction_id"), conf)
        found, number = appeal_feed.appeal_of_message(ctx, int(token), CHANNEL) if token.isdigit() else (False, None)
        if not found:
            raise Open311Error(404, f"token {token!r} не найден")
        return render(f, "service_requests", [{"service_request_id": number, "token": token}])

    return answer(fmt, produce)


router.include_router(updates.router)


@router.api_route("/{rest:path}", methods=["GET", "POST"], include_in_schema=False)
def not_found(rest: str) -> Response:
    """Anything else under /open311/v2/ is a 404 in the spec's error format (XML unless .json was asked)."""
    fmt = "json" if rest.endswith(".json") else "xml"
    return render_errors(fmt, 404, [(404, f"ресурс /open311/v2/{rest} не найден; начните с discovery.xml")])
