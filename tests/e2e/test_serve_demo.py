"""`otklik serve --demo` as a newcomer runs it: a fresh SQLite file, reference data, a living stream."""

from __future__ import annotations

import os
import subprocess
import sys
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
        first = httpx.get(f"{base}/api/v1/appeals", params={"per_page": 1}).json()["total"]
        assert first >= 15, "the demo backlog should have registered appeals (some demo messages are chatter)"
        time.sleep(1.5)
        later = httpx.get(f"{base}/api/v1/appeals", params={"per_page": 1}).json()["total"]
        assert later > first, "the live demo stream keeps writing"
        page = httpx.get(f"{base}/").text
        assert "Отклик" in page and "44-20" in page
        metrics = httpx.get(f"{base}/metrics/").text
        assert "otklik_request_seconds" in metrics
        spec = httpx.get(f"{base}/openapi.json").json()
        assert "/api/v1/appeals/{appeal_id}/transitions" in spec["paths"]
    finally:
        process.terminate()
        output = process.communicate(timeout=20)[0].decode()
    assert "Traceback" not in output, output[-3000:]


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
