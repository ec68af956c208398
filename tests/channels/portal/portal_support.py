"""Helpers of the portal tests: a real PNG made here, registering and logging in a citizen."""

from __future__ import annotations

import struct
import zlib
from typing import Any

from fastapi.testclient import TestClient

PASSWORD = "Ромашка-2026"
PORTAL = "/api/v1/portal"
POTHOLE = {"text": "Огромная яма на дороге по улице Советской в Шарье, машины бьют колёса"}


def png(width: int = 4, height: int = 3) -> bytes:
    """A valid RGB PNG: signature, IHDR, one zlib IDAT of red pixels, IEND; each chunk with its CRC."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def register(client: TestClient, login: str, *, consent: bool = True, name: str = "Анна Смирнова") -> dict[str, Any]:
    field = "email" if "@" in login else "phone"
    response = client.post(
        f"{PORTAL}/register", json={"name": name, field: login, "password": PASSWORD, "consent": consent}
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def login(client: TestClient, login_name: str, password: str = PASSWORD) -> dict[str, str]:
    response = client.post(f"{PORTAL}/login", json={"login": login_name, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def citizen(client: TestClient, email: str, *, consent: bool = True) -> dict[str, str]:
    register(client, email, consent=consent)
    return login(client, email)
