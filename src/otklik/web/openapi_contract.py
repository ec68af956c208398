"""The OpenAPI as the contract: every operation lists the problems (RFC 9457, application/problem+json) it can
answer, in one pass over the generated schema instead of a `responses=` on each route.

Which problems an operation can answer is not knowable route by route (a service deep down may say 409), so
each operation lists all the 4xx the app produces: the request guard's 400/413/422 (web/limits.py), the
identity's 401/403, the services' 404/409/422/429, the uploads' 415."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from otklik.web.problems import PROBLEM_JSON

PROBLEMS = {
    "400": "malformed request: the body is not JSON, or a header is wrong",
    "401": "no identity: Authorization: Bearer <token> is missing, expired or revoked",
    "403": "the identity may not do this",
    "404": "not found, or outside the reader's scope",
    "405": "the path exists, the method does not (the Allow header lists those that do)",
    "409": "conflicts with the current state",
    "413": "the body (or a file in it) is larger than the limit (docs/limits.md)",
    "415": "a file of a type that is not accepted",
    "422": "invalid input: `detail` and `errors` name the fields and why",
    "429": "too many attempts: wait for Retry-After seconds",
}
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string", "description": "the reason, for a person"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "reason": {"type": "string"}},
            },
        },
    },
}
_PROBLEM_CONTENT = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}
_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def _with_problems(responses: dict[str, Any]) -> None:
    for status, description in PROBLEMS.items():
        found = responses.get(status)
        if found is None or (status == "422" and _is_fastapi_validation(found)):
            responses[status] = {"description": description, "content": dict(_PROBLEM_CONTENT)}
        else:  # a route's own answer with this code (a 409 decision as JSON): the problem is possible too
            found.setdefault("content", {}).setdefault(PROBLEM_JSON, _PROBLEM_CONTENT[PROBLEM_JSON])


def _is_fastapi_validation(response: dict[str, Any]) -> bool:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return bool(schema.get("$ref", "").endswith("/HTTPValidationError"))


# Open311 answers in GeoReport v2's own formats (`.json` or `.xml` by the path), errors included.
_OPEN311_ERRORS = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["code", "description"],
        "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
    },
}
_XML = {"schema": {"type": "string"}}


def _as_open311(responses: dict[str, Any]) -> None:
    for status, response in responses.items():
        content = response.setdefault("content", {})
        if status.startswith(("4", "5")):
            content.clear()
            content["application/json"] = {"schema": _OPEN311_ERRORS}
        content["text/xml"] = _XML


def _describe(operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    _with_problems(responses)
    if "open311" in operation.get("tags", ()):
        _as_open311(responses)


def describe_problems(app: FastAPI) -> None:
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()
        schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        for operations in schema.get("paths", {}).values():
            for method in _METHODS:
                if method in operations:
                    _describe(operations[method])
        for unused in ("HTTPValidationError", "ValidationError"):
            schema["components"]["schemas"].pop(unused, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
