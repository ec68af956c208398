"""A local VK API: `POST /method/<name>` answering in VK's envelopes, with scripted errors and VK's dedup."""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

TOKEN = "vk-test-token"


@dataclass
class FakeVk:
    posts: dict[int, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    comments: dict[tuple[int, int], list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    calls: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    # Errors to answer the next calls of a method with, e.g. {"wall.createComment": [6, 6]}.
    failures: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    created: list[dict[str, str]] = field(default_factory=list)  # comments and messages really posted
    _by_guid: dict[str, int] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(9000))

    def calls_of(self, method: str) -> list[dict[str, str]]:
        return [params for name, params in self.calls if name == method]

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/method/{method}")
        async def method(method: str, request: Request) -> JSONResponse:
            params = {key: str(value) for key, value in (await request.form()).items()}
            self.calls.append((method, params))
            return JSONResponse(self._answer(method, params))

        return app

    def _answer(self, method: str, params: dict[str, str]) -> dict[str, Any]:
        if params.get("access_token") != TOKEN:
            return _error(5, "User authorization failed: invalid access_token (4).", method, params)
        if self.failures[method]:
            code = self.failures[method].pop(0)
            return _error(code, _MESSAGES.get(code, "Unknown error occurred"), method, params)
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is None:
            return _error(3, "Unknown method passed", method, params)
        return {"response": handler(params)}

    def _wall_get(self, params: dict[str, str]) -> dict[str, Any]:
        items = sorted(self.posts[int(params["owner_id"])], key=lambda p: -p["id"])[: int(params.get("count", 20))]
        return {"count": len(self.posts[int(params["owner_id"])]), "items": items}

    def _wall_getComments(self, params: dict[str, str]) -> dict[str, Any]:
        everything = self.comments[(int(params["owner_id"]), int(params["post_id"]))]
        top = [c for c in everything if not c.get("parent_stack")]
        top.sort(key=lambda c: c["id"], reverse=params.get("sort") == "desc")
        items = []
        for comment in top[: int(params.get("count", 10))]:
            replies = [c for c in everything if c.get("parent_stack") == [comment["id"]]]
            items.append(dict(comment, thread={"count": len(replies), "items": replies[:10]}))
        return {"count": len(everything), "current_level_count": len(top), "can_post": True, "items": items}

    def _wall_createComment(self, params: dict[str, str]) -> dict[str, Any]:
        return {"comment_id": self._create(params, params.get("guid")), "parents_stack": []}

    def _board_createComment(self, params: dict[str, str]) -> int:
        return self._create(params, params.get("guid"))

    def _messages_send(self, params: dict[str, str]) -> int:
        return self._create(params, "random:" + params["random_id"])

    def _create(self, params: dict[str, str], guid: str | None) -> int:
        """VK drops a repeat with the same guid / random_id and answers with the first id."""
        if guid and guid in self._by_guid:
            return self._by_guid[guid]
        new_id = next(self._ids)
        if guid:
            self._by_guid[guid] = new_id
        self.created.append(params)
        return new_id


_MESSAGES = {
    6: "Too many requests per second",
    9: "Flood control",
    10: "Internal server error",
    15: "Access denied: no access to call this method",
}


def _error(code: int, message: str, method: str, params: dict[str, str]) -> dict[str, Any]:
    shown = [{"key": "method", "value": method}, {"key": "oauth", "value": "1"}]
    shown += [{"key": key, "value": value} for key, value in params.items() if key != "access_token"]
    return {"error": {"error_code": code, "error_msg": message, "request_params": shown}}
