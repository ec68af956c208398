"""The citizen's pages at /portal/: register, sign in and out, consent, submit, «Мои обращения», one appeal with
its history and answers, the rating and the reopen form.

Server-rendered Russian HTML over the same code paths as the portal API (`routes.py`): a page calls the API's
function for the same act, so the rules (consent, own appeals only, photo checks, the reopen window) are one.
Errors of a page are pages: a form with a bad value comes back with the reason and what was typed (never the
password); a 404, 403 or 409 outside a form is a page with the reason (`PortalRoute`)."""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from otklik.channels.portal import attachments as photos
from otklik.channels.portal import routes as portal_api
from otklik.channels.portal.page_session import (
    CSRF_FIELD,
    Citizen,
    CitizenSession,
    CsrfCitizen,
    FormProtected,
    OptionalCitizen,
    SignInRequired,
    clear_session_cookie,
    form_token,
    keep_form_token,
    optional_citizen,
    set_session_cookie,
)
from otklik.channels.portal.schemas import RatingIn, ReopenIn, SubmissionIn
from otklik.channels.portal.settings import PortalSettings, load_portal_settings
from otklik.channels.portal.views import detail_view
from otklik.domain import access
from otklik.domain.errors import DomainError, InvalidInput
from otklik.domain.events import AppealEvent, EventType
from otklik.domain.message import MAX_TEXT_LENGTH
from otklik.services import accounts, appeal_files, detail_answers
from otklik.services.appeals import AppealDetail
from otklik.services.context import ServiceContext
from otklik.web.dependencies import Ctx
from otklik.web.ui.files import file_response
from otklik.web.ui.rendering import templates

Conf = Annotated[PortalSettings, Depends(load_portal_settings)]
HOME = "/portal/appeals"

# The citizen's words for a status: what is happening to *their* appeal, not the workplace's queue names.
STATUS_RU = {
    "new": "зарегистрировано",
    "needs_moderation": "на проверке",
    "assigned": "передано в орган власти",
    "in_progress": "в работе",
    "answered": "дан промежуточный ответ",
    "resolved": "дан ответ",
    "closed": "закрыто",
    "reopened": "возобновлено",
    "rejected": "отклонено",
    "redirected": "перенаправлено по компетенции",
}
# One sentence per step of the history, for the statuses an appeal passes through.
STEP_RU = {
    "new": "Обращение зарегистрировано",
    "needs_moderation": "Обращение проверяет модератор Центра управления регионом",
    "assigned": "Обращение передано в орган власти",
    "in_progress": "Орган власти начал работу по обращению",
    "answered": "Дан промежуточный ответ",
    "resolved": "Дан окончательный ответ",
    "closed": "Обращение закрыто",
    "reopened": "Обращение возвращено в работу",
    "rejected": "Обращение отклонено",
    "redirected": "Обращение передано в другой орган власти по компетенции",
}
# Steps that are not status moves but concern the citizen; everything else (analysis, moderators' corrections,
# reminders, who read the contacts) is the workplace's business.
EVENT_RU = {
    EventType.EXTENSION_APPROVED.value: "Срок рассмотрения продлён (59-ФЗ, ст. 12)",
    EventType.DETAILS_REQUESTED.value: "Вас попросили уточнить подробности",
    EventType.DETAILS_RECEIVED.value: "Вы дополнили обращение",
}
ANSWER_RU = {"interim": "Промежуточный ответ", "final": "Окончательный ответ", "clarification": "Запрос уточнений"}


class PortalRoute(APIRoute):
    """Every portal page: no sign-in → the sign-in form, then back; a domain error → a page with the reason."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired as missing:
                return RedirectResponse(f"/portal/login?next={missing.next_url}", status_code=303)
            except DomainError as error:
                return await _error_page(request, error.http_status, error.reason)
            except RequestValidationError:
                return await _error_page(request, 422, "адрес страницы или форма заполнены неверно")

        return page


router = APIRouter(prefix="/portal", include_in_schema=False, route_class=PortalRoute)


def render(
    request: Request,
    template: str,
    session: CitizenSession | None,
    status_code: int = 200,
    *,
    csrf: str | None = None,
    **context: Any,
) -> HTMLResponse:
    """A portal page; `citizen` is the signed-in account (None before sign-in), `csrf` the token for its forms."""
    context.update(
        citizen=session.account if session else None,
        csrf=csrf if csrf is not None else (session.csrf_token if session else ""),
        csrf_field=CSRF_FIELD,
        STATUS_RU=STATUS_RU,
    )
    return templates.TemplateResponse(request, f"portal/{template}", context, status_code=status_code)


async def _error_page(request: Request, status: int, reason: str) -> HTMLResponse:
    session = await run_in_threadpool(optional_citizen, request, request.app.state.ctx)
    if status == 404:  # never tells whether the appeal exists for someone else
        title, reason = "Обращение не найдено", "Такого обращения нет среди ваших обращений."
    else:
        title = {403: "Действие невозможно", 409: "Действие сейчас невозможно"}.get(status, "Проверьте данные")
    return render(request, "error.html", session, status, title=title, reason=reason, status=status)


def _anonymous_form(
    request: Request, ctx: ServiceContext, template: str, status: int = 200, **context: Any
) -> Response:
    """A form shown before sign-in, with its double-submit CSRF value in the page and in a cookie."""
    token = form_token(request)
    response = render(request, template, None, status, csrf=token, **context)
    keep_form_token(response, request, ctx, token)
    return response


def safe_next(value: str | None) -> str:
    """Only a page of the portal: an open redirect to another site is not offered."""
    if value and value.startswith("/portal/") and "\\" not in value and "//" not in value:
        return value
    return HOME


def _policy(conf: PortalSettings) -> accounts.PasswordPolicy:
    return accounts.PasswordPolicy(min_length=conf.password_min_length, rounds=conf.password_hash_rounds)


def _sign_in(
    request: Request, ctx: ServiceContext, conf: PortalSettings, login: str, password: str, to: str
) -> Response:
    """The redirect that lands the citizen signed in: the portal's session token goes into the cookie."""
    lifetime = timedelta(hours=conf.token_lifetime_hours)
    session = accounts.login(ctx, login, password, lifetime=lifetime, policy=_policy(conf))
    response = RedirectResponse(to, status_code=303)
    set_session_cookie(response, request, ctx, session.token, int(lifetime.total_seconds()))
    return response


# --- entry, registration, sign-in ------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def index(request: Request, session: OptionalCitizen) -> Response:
    if session is not None:
        return RedirectResponse(HOME, status_code=303)
    return render(request, "index.html", None)


@router.get("/register", response_class=HTMLResponse)
def register_form(request: Request, ctx: Ctx, conf: Conf, session: OptionalCitizen) -> Response:
    if session is not None:
        return RedirectResponse(HOME, status_code=303)
    return _anonymous_form(request, ctx, "register.html", consent_text=conf.consent_text, values={})


@router.post("/register", response_class=HTMLResponse, dependencies=[FormProtected])
def register(
    request: Request,
    ctx: Ctx,
    conf: Conf,
    name: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    phone: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    consent: Annotated[str, Form()] = "",
) -> Response:
    values = {"name": name, "email": email, "phone": phone}  # what was typed comes back; the password never does

    def again(reason: str, status: int) -> Response:
        return _anonymous_form(
            request, ctx, "register.html", status, consent_text=conf.consent_text, values=values, error=reason
        )

    if not consent:
        return again("Без согласия на обработку персональных данных (152-ФЗ) мы не можем рассматривать обращения.", 422)
    try:
        account = accounts.register(
            ctx,
            name=name,
            password=password,
            email=email,
            phone=phone,
            consent_version=conf.consent_version,
            policy=_policy(conf),
        )
    except DomainError as error:
        return again(error.reason, error.http_status)
    login = account.email or account.phone
    assert login is not None  # register refuses an account without either
    return _sign_in(request, ctx, conf, login, password, "/portal/appeals/new?welcome=1")


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, ctx: Ctx, session: OptionalCitizen, next: str | None = None) -> Response:
    if session is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    signed_out = request.query_params.get("signed_out") == "1"
    return _anonymous_form(request, ctx, "login.html", next_url=safe_next(next), login="", signed_out=signed_out)


@router.post("/login", response_class=HTMLResponse, dependencies=[FormProtected])
def login(
    request: Request,
    ctx: Ctx,
    conf: Conf,
    login: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = HOME,
) -> Response:
    if not login.strip() or not password:
        reason = "Укажите e-mail или телефон и пароль."
        return _anonymous_form(request, ctx, "login.html", 422, next_url=safe_next(next), login=login, error=reason)
    try:
        return _sign_in(request, ctx, conf, login, password, safe_next(next))
    except DomainError as error:
        page = _anonymous_form(
            request, ctx, "login.html", error.http_status, next_url=safe_next(next), login=login, error=error.reason
        )
        return page


@router.post("/logout")
def logout(ctx: Ctx, session: CsrfCitizen) -> Response:
    accounts.logout(ctx, session.token)
    response = RedirectResponse("/portal/login?signed_out=1", status_code=303)
    clear_session_cookie(response)
    return response


# --- consent (152-ФЗ) --------------------------------------------------------------------------------------------


def _consent_needed(session: CitizenSession, conf: PortalSettings) -> bool:
    account = session.account
    return account.consent_at is None or account.consent_version != conf.consent_version


@router.get("/consent", response_class=HTMLResponse)
def consent_form(request: Request, session: Citizen, conf: Conf, next: str | None = None) -> Response:
    return render(
        request,
        "consent.html",
        session,
        consent_text=conf.consent_text,
        next_url=safe_next(next),
        needed=_consent_needed(session, conf),
    )


@router.post("/consent", response_class=HTMLResponse)
def consent(
    request: Request,
    ctx: Ctx,
    conf: Conf,
    session: CsrfCitizen,
    agree: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = HOME,
) -> Response:
    if not agree:
        reason = "Отметьте согласие: без него обращение рассмотреть нельзя."
        page: dict[str, Any] = {"consent_text": conf.consent_text, "next_url": safe_next(next), "needed": True}
        return render(request, "consent.html", session, 422, error=reason, **page)
    accounts.give_consent(ctx, session.account.id, conf.consent_version)
    return RedirectResponse(safe_next(next), status_code=303)


# --- submitting ----------------------------------------------------------------------------------------------------


def _submission_form(
    request: Request, session: CitizenSession, conf: PortalSettings, status: int = 200, **context: Any
) -> HTMLResponse:
    """A fresh submission key per form shown: sending the same form twice is one appeal (the API's idempotency)."""
    context.setdefault("values", {})
    return render(
        request, "submit.html", session, status, submission_key=uuid.uuid4().hex, max_files=conf.max_files, **context
    )


@router.get("/appeals/new", response_class=HTMLResponse)
def submit_form(request: Request, session: Citizen, conf: Conf, welcome: bool = False) -> Response:
    if _consent_needed(session, conf):
        return RedirectResponse("/portal/consent?next=/portal/appeals/new", status_code=303)
    return _submission_form(request, session, conf, welcome=welcome)


def _text_field(form: Any, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _point(lat: str, lon: str) -> tuple[float | None, float | None]:
    """The optional point on the map (two hidden fields, filled by a map widget later): both or neither."""
    if not lat.strip() and not lon.strip():
        return None, None
    try:
        point = float(lat), float(lon)
    except ValueError:
        raise InvalidInput("точка на карте указана неверно: выберите её заново или уберите") from None
    if not all(math.isfinite(c) for c in point):
        raise InvalidInput("точка на карте указана неверно: выберите её заново или уберите")
    return point


def _submission(form: Any) -> SubmissionIn:
    """The typed fields as the API's body; reasons in Russian for what a person can get wrong."""
    text = _text_field(form, "text")
    address = _text_field(form, "address").strip()
    if not text.strip():
        raise InvalidInput("Опишите проблему: текст обращения пуст.")
    if len(text) > MAX_TEXT_LENGTH:
        raise InvalidInput(f"Текст слишком длинный: {len(text)} символов, можно не больше {MAX_TEXT_LENGTH}.")
    if len(address) > 500:
        raise InvalidInput("Адрес слишком длинный: не больше 500 символов.")
    lat, lon = _point(_text_field(form, "lat"), _text_field(form, "lon"))
    try:
        return SubmissionIn(text=text, address=address or None, lat=lat, lon=lon, formal=bool(form.get("formal")))
    except ValidationError:
        raise InvalidInput("форма заполнена неверно: проверьте текст и адрес") from None


async def _uploads(form: Any, conf: PortalSettings) -> list[photos.Upload]:
    """The chosen photos; an empty file input (nothing chosen) sends a nameless empty part, which is no photo."""
    uploads = []
    for item in form.getlist("photos"):
        if not isinstance(item, UploadFile):
            continue
        data = await item.read(conf.max_file_bytes + 1)  # one byte over the limit is enough to refuse
        if item.filename or data:
            uploads.append(photos.Upload(item.filename or "photo", item.content_type or "", data))
    return uploads


@router.post("/appeals/new", response_class=HTMLResponse)
async def submit(request: Request, ctx: Ctx, conf: Conf, session: CsrfCitizen) -> Response:
    form = await request.form()
    values = {name: _text_field(form, name) for name in ("text", "address", "lat", "lon", "formal")}
    key = _text_field(form, "submission_key")[:100] or uuid.uuid4().hex
    try:
        accounts.require_consent(session.account, conf.consent_version)
        body = _submission(form)
        uploads = await _uploads(form, conf)
        answer = await run_in_threadpool(portal_api._submit, ctx, conf, session.account, body, uploads, f"page:{key}")
    except DomainError as error:
        return _submission_form(request, session, conf, error.http_status, values=values, error=error.reason)
    result = json.loads(bytes(answer.body))
    if answer.status_code in (200, 201):
        return RedirectResponse(f"/portal/appeals/{result['id']}?submitted=1", status_code=303)
    if answer.status_code == 202:  # accepted; the decision comes later and appears in «Мои обращения»
        return render(request, "received.html", session, 202)
    reason = "Сообщение сохранено, но не похоже на обращение: опишите, что случилось и где."
    return _submission_form(request, session, conf, 422, values=values, error=reason)


# --- own appeals ----------------------------------------------------------------------------------------------------


@router.get("/appeals", response_class=HTMLResponse)
def my_appeals(request: Request, ctx: Ctx, conf: Conf, session: Citizen) -> HTMLResponse:
    appeals = accounts.own_appeals(ctx, session.account.id, limit=conf.page_size)
    return render(request, "appeals.html", session, appeals=appeals)


def history(detail: AppealDetail) -> list[tuple[Any, str]]:
    """What happened, in plain Russian, oldest first: (time, sentence)."""
    steps: list[tuple[Any, str]] = []
    for event in detail.history:
        sentence = _sentence(event, detail.appeal.number)
        if sentence and (not steps or steps[-1][1] != sentence):
            steps.append((event.at, sentence))
    return steps


def _sentence(event: AppealEvent, number: str) -> str | None:
    if event.type == EventType.REGISTERED.value:
        return f"Обращение зарегистрировано под номером {number}"
    if event.type == EventType.STATUS_CHANGED.value and event.to_status:
        return STEP_RU.get(event.to_status)
    if event.type == EventType.RATED.value:
        solved = "проблема решена" if event.data.get("solved") else "проблема не решена"
        return f"Вы оценили ответ: {event.data.get('score')} из 5, {solved}"
    return EVENT_RU.get(event.type)


def _appeal_page(
    request: Request, ctx: ServiceContext, session: CitizenSession, appeal_id: int, status: int = 200, **extra: Any
) -> HTMLResponse:
    detail = portal_api._own_detail(ctx, session.account, appeal_id)  # another citizen's appeal: 404
    view = detail_view(ctx, detail)
    appeal = detail.appeal
    answered_at = appeal.resolved_at or appeal.closed_at
    final = view.status in ("resolved", "closed")
    rated = answered_at is not None and any(r.created_at >= answered_at for r in detail.ratings)
    open_until = view.reopen_until
    notice = next((n.text for n in view.notices if n.kind == "ack"), None)
    extra.setdefault("typed", {})
    return render(
        request,
        "appeal.html",
        session,
        status,
        appeal=view,
        steps=history(detail),
        answer_kinds=ANSWER_RU,
        can_rate=final and not rated,
        can_reopen=final and open_until is not None and ctx.clock.now() <= open_until,
        notice=notice,
        questions=detail_answers.waiting_questions(ctx, access.citizen(f"citizen:{session.account.id}"), appeal_id),
        answer_files=appeal_files.published_answer_files(
            ctx, access.citizen(f"citizen:{session.account.id}"), appeal_id
        ),
        **extra,
    )


@router.get("/appeals/{appeal_id}", response_class=HTMLResponse)
def my_appeal(request: Request, appeal_id: int, ctx: Ctx, session: Citizen) -> HTMLResponse:
    done = {key: request.query_params.get(key) == "1" for key in ("submitted", "rated", "reopened", "answered")}
    return _appeal_page(request, ctx, session, appeal_id, **done)


@router.get("/appeals/{appeal_id}/files/{file_id}")
def answer_file(appeal_id: int, file_id: int, ctx: Ctx, session: Citizen) -> Response:
    """A file of a published answer to the citizen's own appeal; another citizen's appeal is a 404."""
    portal_api._own_detail(ctx, session.account, appeal_id)
    me = access.citizen(f"citizen:{session.account.id}")
    return file_response(appeal_files.published_answer_file(ctx, me, appeal_id, file_id))


def _score(value: str) -> int:
    if not value.strip().isdigit() or not 1 <= int(value) <= 5:
        raise InvalidInput("Выберите оценку от 1 до 5.")
    return int(value)


@router.post("/appeals/{appeal_id}/rating", response_class=HTMLResponse)
def rate(
    request: Request,
    appeal_id: int,
    ctx: Ctx,
    session: CsrfCitizen,
    score: Annotated[str, Form()] = "",
    solved: Annotated[str, Form()] = "",
    comment: Annotated[str, Form()] = "",
) -> Response:
    """The API's rating: «не решено» within the reopen window returns the appeal to work."""
    typed = {"score": score, "solved": solved, "comment": comment}
    try:
        if solved not in ("yes", "no"):
            raise InvalidInput("Укажите, решена ли проблема.")
        if len(comment) > 2000:
            raise InvalidInput("Комментарий слишком длинный: не больше 2000 символов.")
        body = RatingIn(score=_score(score), solved=solved == "yes", comment=comment.strip() or None)
        portal_api.rate(appeal_id, body, session.account, ctx)
    except DomainError as error:
        return _appeal_page(request, ctx, session, appeal_id, error.http_status, typed=typed, error=error.reason)
    return RedirectResponse(f"/portal/appeals/{appeal_id}?rated=1", status_code=303)


@router.post("/appeals/{appeal_id}/reopen", response_class=HTMLResponse)
def reopen(
    request: Request, appeal_id: int, ctx: Ctx, session: CsrfCitizen, comment: Annotated[str, Form()] = ""
) -> Response:
    """The API's reopen: within the window after the final answer; otherwise the page says why not."""
    try:
        if len(comment) > 2000:
            raise InvalidInput("Комментарий слишком длинный: не больше 2000 символов.")
        portal_api.reopen(appeal_id, ReopenIn(comment=comment.strip() or None), session.account, ctx)
    except DomainError as error:
        typed = {"reopen_comment": comment}
        return _appeal_page(request, ctx, session, appeal_id, error.http_status, typed=typed, error=error.reason)
    return RedirectResponse(f"/portal/appeals/{appeal_id}?reopened=1", status_code=303)


@router.post("/appeals/{appeal_id}/details", response_class=HTMLResponse)
def answer_details(
    request: Request, appeal_id: int, ctx: Ctx, session: CsrfCitizen, text: Annotated[str, Form()] = ""
) -> Response:
    """The API's answer to a request for details: the appeal's deadline clock restarts."""
    try:
        if not text.strip():
            raise InvalidInput("Напишите ответ на вопрос.")
        if len(text) > 5000:
            raise InvalidInput("Ответ слишком длинный: не больше 5000 символов.")
        portal_api.answer_details(appeal_id, portal_api.DetailsIn(text=text.strip()), session.account, ctx)
    except DomainError as error:
        typed = {"details": text}
        return _appeal_page(request, ctx, session, appeal_id, error.http_status, typed=typed, error=error.reason)
    return RedirectResponse(f"/portal/appeals/{appeal_id}?answered=1", status_code=303)
