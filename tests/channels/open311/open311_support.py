"""Helpers of the Open311 tests: the API key they configure and posting a request."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

API_KEY = "test-open311-key"
KOSTROMA = {"lat": "57.7677", "long": "40.9264"}


def post_request(client: TestClient, code: str, fmt: str = "json", **fields: Any) -> Any:
    form = {
        "api_key": API_KEY,
        "service_code": code,
        "description": "Большая яма во дворе дома 5 на улице Советской в Костроме, лужа по колено",
        "first_name": "Анна",
        "last_name": "Смирнова",
        "email": "anna@example.org",
        **KOSTROMA,
    }
    form.update({k: v for k, v in fields.items() if k != "headers"})
    form = {k: v for k, v in form.items() if v is not None}
    return client.post(f"/open311/v2/requests.{fmt}", data=form, headers=fields.get("headers"))
