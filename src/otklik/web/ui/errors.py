"""Domain errors on the workplace's pages as an HTML page with the reason and the right status; the API keeps
its problem+json. Outside a person's scope an appeal does not exist: the same «Обращение не найдено» page as
for an id that was never issued."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from otklik.domain.errors import DomainError
from otklik.web.ui.rendering import render
from otklik.web.ui.session import optional_session

Handler = Callable[[Request, Exception], Response | Awaitable[Response]]

_TITLES = {
    401: "Нужно войти",
    403: "Нет прав на это действие",
    404: "Не найдено",
    409: "Действие сейчас невозможно",
    422: "Проверьте введённые данные",
    429: "Слишком много попыток",
}


def is_ui(request: Request) -> bool:
    return request.url.path.startswith("/ui/") and not request.url.path.startswith("/ui/static/")


def _title(request: Request, status: int) -> str:
    if status == 404 and "/appeals/" in request.url.path:
        return "Обращение не найдено"
    return _TITLES.get(status, "Ошибка")


def _reason(status: int, reason: str) -> str:
    """A 404 never tells whether the appeal exists elsewhere: one plain sentence for both cases."""
    if status == 404:
        return "Такого обращения нет или оно вне вашей зоны ответственности."
    return reason


async def error_page(request: Request, status: int, reason: str) -> Response:
    ctx = request.app.state.ctx
    session = await run_in_threadpool(optional_session, request, ctx)
    return render(
        request,
        "ui/error.html",
        session,
        status,
        title=_title(request, status),
        reason=_reason(status, reason),
        status=status,
    )


def install_ui_error_pages(app: FastAPI) -> None:
    """Wraps the handlers already installed (problem+json): /ui pages get HTML, everything else is unchanged."""
    previous_domain: Handler | None = app.exception_handlers.get(DomainError)
    previous_invalid: Handler | None = app.exception_handlers.get(RequestValidationError)

    async def _fallback(previous: Handler | None, request: Request, error: Exception) -> Response:
        if previous is None:
            raise error
        answer = previous(request, error)
        return await answer if isinstance(answer, Awaitable) else answer

    @app.exception_handler(DomainError)
    async def _domain(request: Request, error: DomainError) -> Response:
        if not is_ui(request):
            return await _fallback(previous_domain, request, error)
        return await error_page(request, error.http_status, error.reason)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> Response:
        if not is_ui(request):
            return await _fallback(previous_invalid, request, error)
        fields = ", ".join(str(item.get("loc", ("",))[-1]) for item in error.errors())
        return await error_page(request, 422, f"форма заполнена не полностью или неверно: {fields}")
