"""The OpenAPI is the contract (issue 12): problems documented as application/problem+json, the portal's
submission body described (JSON and multipart), the schema as strict as the code, and a 405 that lists GET."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.db

PROBLEM_CODES = {"400", "401", "403", "404", "409", "413", "415", "422"}


@pytest.fixture
def openapi(anonymous_client: TestClient) -> dict[str, Any]:
    response = anonymous_client.get("/openapi.json")
    assert response.status_code == 200
    schema: dict[str, Any] = response.json()
    return schema


def _operations(openapi: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in openapi["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "delete", "patch"}
    ]


def test_every_operation_documents_its_problems_as_problem_json(openapi: dict[str, Any]) -> None:
    assert "Problem" in openapi["components"]["schemas"]
    missing = []
    for method, path, operation in _operations(openapi):
        if "open311" in operation.get("tags", ()):
            continue  # GeoReport v2 has its own error format: the next test
        for code in PROBLEM_CODES:
            content = operation["responses"].get(code, {}).get("content", {})
            if "application/problem+json" not in content:
                missing.append(f"{method} {path} {code}")
    assert not missing, missing[:20]
    assert "HTTPValidationError" not in openapi["components"]["schemas"]  # FastAPI's 422 shape is not what we send


def test_open311_documents_both_of_its_formats(openapi: dict[str, Any]) -> None:
    discovery = openapi["paths"]["/open311/v2/discovery.{fmt}"]["get"]["responses"]
    assert {"application/json", "text/xml"} <= set(discovery["200"]["content"])
    assert {"application/json", "text/xml"} <= set(discovery["404"]["content"])


def test_the_portal_submission_has_its_request_body(openapi: dict[str, Any]) -> None:
    body = openapi["paths"]["/api/v1/portal/appeals"]["post"]["requestBody"]
    assert set(body["content"]) == {"application/json", "multipart/form-data"}
    form = body["content"]["multipart/form-data"]["schema"]["properties"]
    assert form["photos"]["items"]["format"] == "binary"
    assert "text" in body["content"]["application/json"]["schema"]["required"]
    responses = openapi["paths"]["/api/v1/portal/appeals"]["post"]["responses"]
    assert {"200", "201", "202", "409"} <= set(responses)


def _schema_of(openapi: dict[str, Any], name: str) -> dict[str, Any]:
    schema: dict[str, Any] = openapi["components"]["schemas"][name]
    return schema


def _first_string(prop: dict[str, Any]) -> dict[str, Any]:
    """`str | None` is anyOf [string, null] in the schema."""
    found: dict[str, Any] = next((p for p in prop.get("anyOf", [prop]) if p.get("type") == "string"), {})
    return found


def test_the_schema_says_what_the_code_accepts(openapi: dict[str, Any]) -> None:
    message = _schema_of(openapi, "MessageIn")["properties"]
    assert message["text"]["pattern"] == r"\S" and message["external_id"]["pattern"] == r"\S"
    assert message["created_at"]["format"] == "date-time" and "2000-01-01" in message["created_at"]["description"]
    transition = _schema_of(openapi, "TransitionIn")["properties"]
    assert _first_string(transition["agency_id"])["minLength"] == 1
    duplicate = next(p for p in transition["duplicate_of"]["anyOf"] if p.get("type") == "integer")
    assert duplicate["maximum"] == 2**31 - 1 and duplicate["minimum"] == 1
    assert _first_string(_schema_of(openapi, "CorrectionIn")["properties"]["group"])["minLength"] == 1
    path_id = next(
        p for p in openapi["paths"]["/api/v1/appeals/{appeal_id}"]["get"]["parameters"] if p["name"] == "appeal_id"
    )
    assert path_id["schema"]["maximum"] == 2**31 - 1


def test_a_405_lists_every_method_of_the_path(client: TestClient) -> None:
    response = client.put("/api/v1/appeals")
    assert response.status_code == 405
    allowed = {m.strip() for m in response.headers["allow"].split(",")}
    assert {"GET", "POST"} <= allowed
    assert response.headers["content-type"].startswith("application/problem+json")


def test_schema_valid_empty_strings_are_refused_by_the_schema_not_later(client: TestClient) -> None:
    """`text: ""` is now outside the schema (pattern \\S): the 422 names the field, as the schema promised."""
    response = client.post("/api/v1/appeals", json={"text": "", "citizen": {"name": "Анна"}})
    assert response.status_code == 422
    assert "text" in response.json()["detail"]
