"""deploy/: the Compose file parses and checks readiness on /readyz; the systemd units pass `systemd-analyze
verify`; every otklik command they run is one the CLI accepts (with these very options)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = ("otklik-serve.service", "otklik-worker@.service")
OTKLIK = str(Path(sys.executable).parent / "otklik")


def _compose() -> dict[str, dict[str, dict[str, object]]]:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _accepted(command: list[str]) -> subprocess.CompletedProcess[str]:
    """The CLI parses the options before `--help` answers: an unknown option or command fails here."""
    assert command[0].endswith("otklik"), command
    return subprocess.run([OTKLIK, *command[1:], "--help"], capture_output=True, text=True, timeout=120, check=False)


def _exec_lines(unit: str, key: str) -> list[str]:
    text = (DEPLOY / "systemd" / unit).read_text(encoding="utf-8")
    return re.findall(rf"^{key}=(.+)$", text, flags=re.MULTILINE)


def test_compose_services_run_commands_the_cli_accepts() -> None:
    services = _compose()["services"]
    for name in ("api", "worker"):
        command = services[name]["command"]
        assert isinstance(command, list)
        result = _accepted([str(part) for part in command])
        assert result.returncode == 0, (name, result.stdout, result.stderr)


def test_compose_api_is_healthy_only_when_ready() -> None:
    healthcheck = _compose()["services"]["api"]["healthcheck"]
    assert isinstance(healthcheck, dict)
    assert any("/readyz" in str(part) for part in healthcheck["test"])  # type: ignore[attr-defined]


@pytest.mark.parametrize("unit", UNITS)
def test_systemd_units_verify_and_run_accepted_commands(unit: str, tmp_path: Path) -> None:
    assert shutil.which("systemd-analyze"), "systemd-analyze is needed to check the units (Debian: systemd)"
    # The units name the production venv (/opt/otklik/.venv); checked here against this checkout's.
    text = (
        (DEPLOY / "systemd" / unit)
        .read_text(encoding="utf-8")
        .replace("/opt/otklik/.venv/bin/", f"{Path(OTKLIK).parent}/")
    )
    copy = tmp_path / unit.replace("@.", "@1.")  # a template is verified as one of its instances
    copy.write_text(text, encoding="utf-8")
    verified = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(copy)], capture_output=True, text=True, timeout=60, check=False
    )
    assert verified.returncode == 0 and not verified.stderr.strip(), verified.stderr
    for line in _exec_lines(unit, "ExecStart"):
        result = _accepted(line.split())
        assert result.returncode == 0, (unit, result.stderr)


def test_the_api_unit_starts_only_when_ready() -> None:
    waits = _exec_lines("otklik-serve.service", "ExecStartPost")
    assert waits and "/readyz" in waits[0] and "--fail" in waits[0]
