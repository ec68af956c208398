"""The portal API at /api/v1/portal/: accounts, 152-ФЗ consent, submissions with photos, own appeals."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import timedelta
from typing import Annotated

import structlog
from fastapi import APIRouter, Depends, Header, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.datastructures import UploadFile

from otklik.adapters.db.repositories.accounts import AccountRecord
from otklik.channels.portal import attachments as photos
from otklik.channels.portal.schemas import (
    AccountOut,
    AttachmentOut,
    CitizenAppealDetailOut,
    CitizenAppealOut,
    ConsentIn,
    ConsentText,
    LoginIn,
    RatingIn,
    RegisterIn,
    ReopenIn,
    SubmissionIn,
    SubmissionOut,
    TokenOut,
    UnregisteredOut,
    submission_body,
)
from otklik.channels.portal.settings import PortalSettings, load_portal_settings
from otklik.channels.portal.views import account_view, appeal_view, detail_view
from otklik.domain import access
from otklik.domain.channels import Channel
from otklik.domain.errors import Conflict, InvalidInput, NotFound
from otklik.domain.message import Author, InboundMessage, MessageOutcome
from otklik.domain.status import AppealStatus
from otklik.observability import MESSAGES_RECEIVED
from otklik.services import accounts, clarifications
from otklik.services import appeals as appeal_service
from otklik.services.appeals import reopen_until
from otklik.services.context import ServiceContext
from otklik.services.messages import receive_message, validate_message
from otklik.web.dependencies import Ctx, service_context
from otklik.web.schemas.fields import RowIdPath

log = structlog.get_logger(__name__)
router = APIRouter(prefix="/api/v1/portal", tags=["portal"])
Conf = Annotated[PortalSettings, Depends(load_portal_settings)]


def _policy(conf: PortalSettings) -> accounts.PasswordPolicy:
    return accounts.PasswordPolicy(min_length=conf.password_min_length, rounds=conf.password_hash_rounds)


def _token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _account(request: Request, ctx: Annotated[ServiceContext, Depends(service_context)]) -> AccountRecord:
    return accounts.current_account(ctx, _token(request))


Account = Annotated[AccountRecord, Depends(_account)]


@router.get("/consent", response_model=ConsentText)
def consent_text(conf: Conf) -> ConsentText:
    return ConsentText(version=conf.consent_version, text=conf.consent_text)


@router.post("/register", status_code=201, response_model=AccountOut)
def register(body: RegisterIn, ctx: Ctx, conf: Conf) -> AccountOut:
    account = accounts.register(
        ctx,
        name=body.name,
        password=body.password,
        email=body.email,
        phone=body.phone,
        consent_version=conf.consent_version if body.consent else None,
        policy=_policy(conf),
    )
    return account_view(account, conf.consent_version)


@router.post("/login", response_model=TokenOut)
def login(body: LoginIn, ctx: Ctx, conf: Conf) -> TokenOut:
    lifetime = timedelta(hours=conf.token_lifetime_hours)
    session = accounts.login(ctx, body.login, body.password, lifetime=lifetime, policy=_policy(conf))
    return TokenOut(
        access_token=session.token,
        expires_at=session.expires_at,
        account=account_view(session.account, conf.consent_version),
    )


@router.post("/logout", status_code=204)
def logout(request: Request, account: Account, ctx: Ctx) -> Response:
    token = _token(request)
    assert token is not None  # the Account dependency has checked it
    accounts.logout(ctx, token)
    return Response(status_code=204)


@router.post("/consent", response_model=AccountOut)
def consent(body: ConsentIn, account: Account, ctx: Ctx, conf: Conf) -> AccountOut:
    if body.version is not None and body.version != conf.consent_version:
        raise InvalidInput(f"действующая версия текста согласия — {conf.consent_version}, а не {body.version}")
    return account_view(accounts.give_consent(ctx, account.id, conf.consent_version), conf.consent_version)


@router.get("/me", response_model=AccountOut)
def me(account: Account, conf: Conf) -> AccountOut:
    return account_view(account, conf.consent_version)


async def _read_submission(request: Request, conf: PortalSettings) -> tuple[SubmissionIn, list[photos.Upload]]:
    """JSON, or multipart/form-data with the same fields and up to `max_files` files in `photos`."""
    content_type = request.headers.get("content-type", "")
    try:
        if not content_type.startswith("multipart/form-data"):
            return SubmissionIn.model_validate_json(await request.body()), []
        form = await request.form(max_files=conf.max_files + 1)
        fields = {k: v for k, v in form.multi_items() if isinstance(v, str) and v.strip() and k != "photos"}
        submission = SubmissionIn.model_validate({**fields, "formal": fields.get("formal", "false")})
    except ValidationError as error:
        reasons = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in error.errors())
        raise InvalidInput(reasons) from None
    uploads = []
    for item in form.getlist("photos"):
        if isinstance(item, UploadFile):
            data = await item.read(conf.max_file_bytes + 1)  # one byte over the limit is enough to refuse
            uploads.append(photos.Upload(item.filename or "photo", item.content_type or "", data))
    return submission, uploads


@router.post(
    "/appeals",
    status_code=201,
    response_model=SubmissionOut,
    openapi_extra=submission_body(),
    responses={
        200: {"model": SubmissionOut, "description": "the same Idempotency-Key was sent before: the same appeal"},
        202: {"model": UnregisteredOut, "description": "accepted, waiting for the machine"},
        409: {"model": UnregisteredOut, "description": "not registered as an appeal (the reason says why)"},
    },
)
async def submit(
    request: Request,
    account: Account,
    ctx: Ctx,
    conf: Conf,
    idempotency_key: Annotated[str | None, Header(max_length=150)] = None,
) -> JSONResponse:
    """Needs the 152-ФЗ consent. Send an Idempotency-Key header to make retries safe: the same key is one appeal."""
    accounts.require_consent(account, conf.consent_version)
    body, uploads = await _read_submission(request, conf)
    return await run_in_threadpool(_submit, ctx, conf, account, body, uploads, idempotency_key)


def _submit(
    ctx: ServiceContext,
    conf: PortalSettings,
    account: AccountRecord,
    body: SubmissionIn,
    uploads: list[photos.Upload],
    key: str | None,
) -> JSONResponse:
    types = photos.check(uploads, conf)
    message = InboundMessage(
        channel=Channel.PORTAL,
        external_id=f"account:{account.id}:{key or uuid.uuid4()}",
        text=body.text,
        created_at=ctx.clock.now(),
        author=Author(name=account.name, external_id=f"account:{account.id}", phone=account.phone, email=account.email),
        lat=body.lat,
        lon=body.lon,
        address=body.address,
        formal=body.formal,
    )
    validate_message(ctx, message)  # before any photo is written
    stored = []
    if not accounts.submission_known(ctx, message.external_id):
        stored = photos.store(uploads, types, conf, ctx.clock.now())
        accounts.record_submission(ctx, account.id, message.external_id, stored)
    attached = tuple(photos.as_attachment(record) for record in stored)
    decision = receive_message(ctx, replace(message, attachments=attached))
    MESSAGES_RECEIVED.labels(Channel.PORTAL.value, decision.outcome.value).inc()
    log.info("portal.submitted", account_id=account.id, outcome=decision.outcome.value, photos=len(stored))
    if decision.appeal_id is None:
        body_out = {"message_id": decision.message_id, "decision": decision.outcome.value, "reason": decision.reason}
        return JSONResponse(body_out, status_code=202 if decision.outcome is MessageOutcome.QUEUED else 409)
    detail = appeal_service.get_detail(ctx, access.citizen(f"citizen:{account.id}"), decision.appeal_id)
    out = SubmissionOut(
        **appeal_view(ctx, detail.appeal).model_dump(),
        notice=next((d.text for d in detail.deliveries if d.kind == "ack"), None),
        attachments=[AttachmentOut(filename=r.filename, content_type=r.content_type, size=r.size) for r in stored],
    )
    status = 200 if decision.outcome is MessageOutcome.DUPLICATE else 201
    return JSONResponse(json.loads(out.model_dump_json()), status_code=status)


@router.get("/appeals", response_model=list[CitizenAppealOut])
def my_appeals(account: Account, ctx: Ctx, conf: Conf) -> list[CitizenAppealOut]:
    return [appeal_view(ctx, a) for a in accounts.own_appeals(ctx, account.id, limit=conf.page_size)]


def _own_detail(ctx: ServiceContext, account: AccountRecord, appeal_id: int) -> appeal_service.AppealDetail:
    """Another citizen's appeal is a 404, exactly like one that does not exist."""
    if not accounts.owns_appeal(ctx, account.id, appeal_id):
        raise NotFound(f"обращение {appeal_id} не найдено среди ваших обращений")
    return appeal_service.get_detail(ctx, access.citizen(f"citizen:{account.id}"), appeal_id)


@router.get("/appeals/{appeal_id}", response_model=CitizenAppealDetailOut)
def my_appeal(appeal_id: RowIdPath, account: Account, ctx: Ctx) -> CitizenAppealDetailOut:
    return detail_view(ctx, _own_detail(ctx, account, appeal_id))


@router.post("/appeals/{appeal_id}/rating", status_code=201, response_model=CitizenAppealDetailOut)
def rate(appeal_id: RowIdPath, body: RatingIn, account: Account, ctx: Ctx) -> CitizenAppealDetailOut:
    """«Не решено» within the reopen window also returns the appeal to work."""
    _own_detail(ctx, account, appeal_id)
    me = access.citizen(f"citizen:{account.id}")
    appeal_service.rate(ctx, me, appeal_id, score=body.score, solved=body.solved, comment=body.comment)
    return detail_view(ctx, appeal_service.get_detail(ctx, me, appeal_id))


@router.post("/appeals/{appeal_id}/reopen", response_model=CitizenAppealDetailOut)
def reopen(appeal_id: RowIdPath, body: ReopenIn, account: Account, ctx: Ctx) -> CitizenAppealDetailOut:
    appeal = _own_detail(ctx, account, appeal_id).appeal
    until = reopen_until(ctx, appeal)
    if until is None:
        raise Conflict(f"обращение {appeal.number} ещё не получило окончательного ответа: вернуть его в работу нельзя")
    if ctx.clock.now() > until:
        days = ctx.settings.reopen_days
        raise Conflict(
            f"вернуть обращение {appeal.number} в работу можно в течение {days} дней после ответа; "
            "срок прошёл — подайте новое обращение"
        )
    reason = f"гражданин: проблема не решена. {body.comment}" if body.comment else "гражданин: проблема не решена"
    me = access.citizen(f"citizen:{account.id}")
    request = appeal_service.TransitionRequest(to=AppealStatus.REOPENED, reason=reason)
    appeal_service.change_status(ctx, me, appeal_id, request)
    return detail_view(ctx, appeal_service.get_detail(ctx, me, appeal_id))


class DetailsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(..., min_length=1, max_length=5000)


@router.post("/appeals/{appeal_id}/details", response_model=CitizenAppealDetailOut)
def answer_details(appeal_id: RowIdPath, body: DetailsIn, account: Account, ctx: Ctx) -> CitizenAppealDetailOut:
    """The citizen answers a request for details: the appeal's deadline clock restarts (docs/answers.md)."""
    _own_detail(ctx, account, appeal_id)
    me = access.citizen(f"citizen:{account.id}")
    clarifications.details_received(ctx, appeal_id, body.text, principal=me)
    return detail_view(ctx, appeal_service.get_detail(ctx, me, appeal_id))
