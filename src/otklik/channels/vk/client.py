"""The VK API client: vk_api's VkApi pointed at a configurable base URL, with bounded retries on 6/9/10."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import requests
import structlog
import vk_api
from jconfig.memory import MemoryConfig
from vk_api.exceptions import TOO_MANY_RPS_CODE, ApiError, ApiHttpError

from otklik.channels.vk.settings import VkSettings

log = structlog.get_logger(__name__)

# vk_api posts every call to this address; the session below moves it to the configured base URL.
VK_API_ORIGIN = "https://api.vk.ru/method/"
RETRYABLE_CODES = frozenset({TOO_MANY_RPS_CODE, 9, 10})  # too many requests, flood control, internal error
AUTH_CODES = frozenset({5, 15, 27, 28})  # authorization failed, access denied, group / app token invalid


class VkCallError(Exception):
    """A VK call failed; `code` is VK's error code (-1 for HTTP and network failures)."""

    def __init__(self, method: str, code: int, message: str) -> None:
        super().__init__(f"VK {method}: [{code}] {message}")
        self.method = method
        self.code = code

    @property
    def retryable(self) -> bool:
        return self.code in RETRYABLE_CODES or self.code == -1

    @property
    def auth(self) -> bool:
        return self.code in AUTH_CODES


class _RebasedSession(requests.Session):
    """A requests session that sends vk_api's calls to `base_url` and never waits forever."""

    def __init__(self, base_url: str, timeout: float) -> None:
        super().__init__()
        self._base = base_url.rstrip("/") + "/"
        self._timeout = timeout
        self.headers["User-Agent"] = "otklik-vk"

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        if isinstance(url, str) and url.startswith(VK_API_ORIGIN):
            url = self._base + url.removeprefix(VK_API_ORIGIN)
        kwargs.setdefault("timeout", self._timeout)
        return super().request(method, url, *args, **kwargs)


class VkClient:
    """Calls VK methods; transient errors are retried with a doubling pause, the rest raise VkCallError."""

    def __init__(self, settings: VkSettings, *, sleep: Callable[[float], None] = time.sleep) -> None:
        token = settings.access_token.get_secret_value() if settings.access_token else None
        session = _RebasedSession(settings.api_base_url, settings.timeout_seconds)
        self._api = vk_api.VkApi(token=token, api_version=settings.api_version, session=session, config=MemoryConfig)
        self._api.RPS_DELAY = 1.0 / settings.rate_per_second
        # vk_api's own handler retries error 6 forever; we retry a bounded number of times here.
        self._api.error_handlers.pop(TOO_MANY_RPS_CODE, None)
        self._retries = settings.max_retries
        self._backoff = settings.retry_backoff_seconds
        self._sleep = sleep

    def call(self, method: str, **params: Any) -> Any:
        """The `response` of a VK method; parameters with None are left out."""
        values = {key: value for key, value in params.items() if value is not None}
        attempt = 0
        while True:
            try:
                return self._api.method(method, values)
            except (ApiError, ApiHttpError, requests.RequestException) as raw:
                error = _as_call_error(method, raw)
            if not error.retryable or attempt >= self._retries:
                raise error
            pause = self._backoff * 2**attempt
            attempt += 1
            log.warning("vk.retry", method=method, code=error.code, attempt=attempt, pause=pause)
            self._sleep(pause)


def _as_call_error(method: str, error: Exception) -> VkCallError:
    """VK's error without the request values: they hold the access token."""
    if isinstance(error, ApiError):
        return VkCallError(method, int(error.code), str(error.error.get("error_msg", "")))
    if isinstance(error, ApiHttpError):
        status = error.response.status_code
        return VkCallError(method, -1 if status >= 500 or status == 429 else -2, f"HTTP {status}")
    return VkCallError(method, -1, type(error).__name__)
