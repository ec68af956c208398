"""The sample letters shipped with the e-mail channel, read by the tests."""

from __future__ import annotations

from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[3] / "src/otklik/channels/email/samples"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()
