"""What every Open311 endpoint does first: errors in the spec's format, parameters, jurisdiction, keys, dates."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated

import structlog
from fastapi import Depends, Request
from fastapi.responses import Response

from otklik.channels.open311 import mapping
from otklik.channels.open311.formats import Open311Error, check_format, render_errors
from otklik.channels.open311.settings import Open311Settings, load_open311_settings
from otklik.domain.errors import DomainError, NotFound
from otklik.services.context import ServiceContext
from otklik.services.staff import key_client

log = structlog.get_logger(__name__)
Conf = Annotated[Open311Settings, Depends(load_open311_settings)]


def answer(fmt: str, produce: Callable[[str], Response]) -> Response:
    """Every error leaves in the spec's shape (a list of code + description), in the requested format."""
    try:
        return produce(check_format(fmt))
    except Open311Error as error:
        return render_errors(fmt, error.status, error.errors)
    except NotFound as error:
        return render_errors(fmt, 404, [(404, error.reason)])
    except DomainError as error:  # invalid input the services refused: a 400 with their reason
        return render_errors(fmt, 400, [(400, error.reason)])


def param(request: Request, name: str) -> str | None:
    """The spec: an empty optional parameter is the same as an absent one."""
    value = request.query_params.get(name, "").strip()
    return value or None


def check_jurisdiction(value: str | None, conf: Open311Settings) -> None:
    if value and value != conf.jurisdiction_id:
        raise Open311Error(404, f"jurisdiction_id {value!r} не найден; этот сервер обслуживает {conf.jurisdiction_id}")


def client_for(key: str | None, ctx: ServiceContext, conf: Open311Settings) -> str:
    """The name of the client the key belongs to; 403 for a missing or wrong key. Keys are never logged.

    Keys: OTKLIK_OPEN311_CLIENT_KEYS, OTKLIK_API_KEY, or an integration token with the scope `open311`. Closed by
    default: with none configured every write is refused."""
    if not key:
        raise Open311Error(403, "нужен api_key")
    found = None
    for name, secret in conf.client_keys.items():  # compare with every key, so timing does not tell which matched
        if hmac.compare_digest(key.encode(), secret.get_secret_value().encode()):
            found = name
    found = found or key_client(ctx, key, "open311")
    if found is None:
        raise Open311Error(403, "api_key неверен")
    return found


def window(request: Request, conf: Open311Settings, now: datetime) -> tuple[datetime, datetime]:
    start_text, end_text = param(request, "start_date"), param(request, "end_date")
    start = mapping.parse_w3c(start_text, "start_date") if start_text else None
    end = mapping.parse_w3c(end_text, "end_date") if end_text else None
    window = timedelta(days=conf.window_days)
    end = end or (start + window if start else now)
    start = start or end - window
    if end < start:
        raise Open311Error(400, "end_date раньше start_date")
    if end - start > window:
        raise Open311Error(400, f"диапазон start_date–end_date не может превышать {conf.window_days} дней")
    return start, end


async def form_fields(request: Request) -> dict[str, list[str]] | None:
    """The form body as lists of values per field; None when the body is not a form (the spec's 400)."""
    try:
        form = await request.form()
    except Exception:  # any parse failure of a client's body is the client's 400, not our stack trace
        return None
    return {key: [v for v in form.getlist(key) if isinstance(v, str)] for key in form}
