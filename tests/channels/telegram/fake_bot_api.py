"""A local Telegram Bot API: `/bot<token>/<method>` answering {"ok", "result"} or Telegram's error objects."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

TOKEN = "123456789:AAHfakeTokenForLocalTestsOnly_0123456"
BOT_USER = {"id": 123456789, "is_bot": True, "first_name": "ЦУР Кострома", "username": "cur44_bot"}
CITIZEN_ID = 5550001
CITIZEN: dict[str, Any] = {
    "id": CITIZEN_ID,
    "is_bot": False,
    "first_name": "Иван",
    "last_name": "Петров",
    "username": "ivan44",
}

ERRORS: dict[int, dict[str, Any]] = {
    429: {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
          "parameters": {"retry_after": 1}},
    403: {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"},
    400: {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"},
}  # fmt: skip


@dataclass
class FakeBotApi:
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    failures: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    updates: list[dict[str, Any]] = field(default_factory=list)  # served by getUpdates
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(700))

    def sent(self) -> list[dict[str, Any]]:
        return [params for method, params in self.calls if method == "sendMessage"]

    def calls_of(self, method: str) -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == method]

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/bot{token}/{method}")
        async def method(token: str, method: str, request: Request) -> JSONResponse:
            form = await request.form()
            params = {key: _value(value) for key, value in form.items()}
            if token != TOKEN:
                return JSONResponse({"ok": False, "error_code": 401, "description": "Unauthorized"}, status_code=401)
            if method == "getUpdates":
                return JSONResponse({"ok": True, "result": await self._updates(params)})
            self.calls.append((method, params))
            if self.failures[method]:
                error = ERRORS[self.failures[method].pop(0)]
                return JSONResponse(error, status_code=int(error["error_code"]))
            return JSONResponse({"ok": True, "result": self._result(method, params)})

        return app

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method in ("sendMessage", "editMessageReplyMarkup"):
            chat = {"id": int(params["chat_id"]), "type": "private", "first_name": "Иван"}
            message_id = int(params.get("message_id") or next(self._ids))
            return {"message_id": message_id, "date": int(time.time()), "chat": chat, "from": BOT_USER,
                    "text": params.get("text", "")}  # fmt: skip
        return True  # answerCallbackQuery, deleteWebhook, setWebhook

    async def _updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        pending = [u for u in self.updates if u["update_id"] >= offset]
        if not pending:
            await asyncio.sleep(0.05)  # a long poll that times out quickly
        return pending


def _value(raw: Any) -> Any:
    """aiogram sends scalars as text and objects (reply_markup, reply_parameters) as JSON."""
    text = str(raw)
    if text.startswith(("{", "[")):
        return json.loads(text)
    return text


_update_ids = itertools.count(1000)
_message_ids = itertools.count(10)


def message_update(chat_id: int = CITIZEN_ID, **content: Any) -> dict[str, Any]:
    """A private message from the citizen: text=…, location=…, contact=…, photo=…, caption=…."""
    if str(content.get("text", "")).startswith("/"):
        content["entities"] = [{"offset": 0, "length": len(content["text"].split()[0]), "type": "bot_command"}]
    chat = {"id": chat_id, "type": "private", "first_name": "Иван", "username": "ivan44"}
    message = {"message_id": next(_message_ids), "date": int(time.time()), "from": CITIZEN, "chat": chat, **content}
    return {"update_id": next(_update_ids), "message": message}


def callback_update(data: str, message_id: int = 701, chat_id: int = CITIZEN_ID) -> dict[str, Any]:
    chat = {"id": chat_id, "type": "private", "first_name": "Иван"}
    message = {"message_id": message_id, "date": int(time.time()), "from": BOT_USER, "chat": chat, "text": "Ответ"}
    query = {"id": f"cb{next(_update_ids)}", "from": CITIZEN, "chat_instance": "-42", "data": data, "message": message}
    return {"update_id": next(_update_ids), "callback_query": query}
