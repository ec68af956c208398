"""`otklik serve --demo` as a newcomer runs it: a fresh SQLite file, reference data, a living stream."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from channels.loopback import free_port

# The models the suite already built (they are trained once per checkout, not per test).
MODEL_DIR = str(Path(os.environ.get("OTKLIK_MODEL_DIR", "var/models")).resolve())


@pytest.mark.usefixtures("session_ctx")  # builds the models once, before the server needs them
def test_serve_demo_shows_a_living_system(tmp_path: Path) -> None:
    port = free_port()
    env = dict(os.environ, OTKLIK_DATABASE_URL=f"sqlite:///{tmp_path / 'demo.db'}", OTKLIK_MODEL_DIR=MODEL_DIR)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "otklik.cli.main",
            "serve",
            "--demo",
            "--port",
            str(port),
            "--demo-backlog",
            "30",
            "--demo-interval",
            "0.2",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=tmp_path,
    )
    base = f"http://127.0.0.1:{port}"
    output: list[str] = []
    assert process.stdout is not None
    reader = threading.Thread(target=lambda: output.extend(line.decode() for line in process.stdout), daemon=True)  # type: ignore[union-attr]
    reader.start()
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            raise AssertionError("the service did not answer within 120 s")
        assert httpx.get(f"{base}/api/v1/appeals").status_code == 401, "the staff API is closed to anonymous readers"
        seats = _demo_seats(output)
        assert {"demo.admin", "demo.moderator", "demo.sharya", "demo.executor", "demo.head", "demo.analyst"} <= set(
            seats
        ), output
        admin = _bearer(base, "demo.admin", seats["demo.admin"])
        first = httpx.get(f"{base}/api/v1/appeals", params={"per_page": 1}, headers=admin).json()["total"]
        assert first >= 15, "the demo backlog should have registered appeals (some demo messages are chatter)"
        later, deadline = first, time.monotonic() + 30  # a message every 0.2 s: the next appeal comes soon
        while later <= first and time.monotonic() < deadline:
            time.sleep(0.2)
            later = httpx.get(f"{base}/api/v1/appeals", params={"per_page": 1}, headers=admin).json()["total"]
        assert later > first, "the live demo stream keeps writing"
        sharya = _bearer(base, "demo.sharya", seats["demo.sharya"])
        theirs = httpx.get(f"{base}/api/v1/appeals", params={"per_page": 200}, headers=sharya).json()["items"]
        assert {a["municipality"] for a in theirs} <= {"Шарья"}, "a district office sees its municipality only"
        with httpx.Client(base_url=base) as browser:
            assert browser.get("/", follow_redirects=True).url.path == "/ui/login"
            form = browser.get("/ui/login").text
            login_csrf = form.split('name="login_csrf" value="')[1].split('"')[0]
            signed = browser.post(
                "/ui/login",
                data={"username": "demo.admin", "password": seats["demo.admin"], "login_csrf": login_csrf},
                follow_redirects=True,
            )
            assert signed.status_code == 200 and "Отклик" in signed.text and "44-20" in signed.text
        metrics = httpx.get(f"{base}/metrics/").text
        assert "otklik_request_seconds" in metrics
        spec = httpx.get(f"{base}/openapi.json").json()
        assert "/api/v1/appeals/{appeal_id}/transitions" in spec["paths"]
    finally:
        process.terminate()
        process.wait(timeout=20)
        reader.join(timeout=5)
    text = "".join(output)
    assert "Traceback" not in text, text[-3000:]


def _demo_seats(output: list[str]) -> dict[str, str]:
    """login → password from the seat lines `otklik serve --demo` prints at start."""
    seats = {}
    for line in list(output):
        parts = line.split()
        if len(parts) >= 2 and parts[0].startswith("demo.") and parts[1].startswith("demo-"):
            seats[parts[0]] = parts[1]
    return seats


def _bearer(base: str, login: str, password: str) -> dict[str, str]:
    response = httpx.post(f"{base}/api/v1/auth/token", data={"username": login, "password": password})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] > 0
    return {"Authorization": f"Bearer {body['access_token']}"}


def test_db_upgrade_and_seed_commands_are_idempotent(tmp_path: Path) -> None:
    env = dict(os.environ, OTKLIK_DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}")
    command = [sys.executable, "-m", "otklik.cli.main", "db"]
    upgrade = subprocess.run([*command, "upgrade"], env=env, capture_output=True, text=True, timeout=120)
    assert upgrade.returncode == 0, upgrade.stderr
    first = subprocess.run([*command, "seed"], env=env, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    assert "settlements: 3498 added" in first.stderr
    again = subprocess.run([*command, "seed"], env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and "settlements: 0 added" in again.stderr
