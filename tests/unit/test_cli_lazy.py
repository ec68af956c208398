"""The `otklik` command imports only the module of the command it runs (cli/lazy.py), in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys

from typer.testing import CliRunner

from otklik.cli.main import OtklikCommands, app

# Runs one command in a fresh interpreter and prints which of these modules it imported.
PROBE = """
import json, sys
from otklik.cli.main import app
try:
    app(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
watched = ["otklik.cli.analyze", "otklik.cli.serve", "otklik.web.app", "otklik.cli.report", "sklearn"]
print(json.dumps({name: name in sys.modules for name in watched}))
"""


def imported_by(*args: str) -> dict[str, bool]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=120, check=True)
    loaded: dict[str, bool] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


def test_analyze_help_imports_neither_the_web_app_nor_the_engine() -> None:
    loaded = imported_by("analyze", "--help")
    assert loaded == {
        "otklik.cli.analyze": True,
        "otklik.cli.serve": False,
        "otklik.web.app": False,
        "otklik.cli.report": False,
        "sklearn": False,
    }


def test_a_group_loads_its_own_module_only() -> None:
    loaded = imported_by("sla", "--help")
    assert not loaded["otklik.cli.analyze"]
    assert not loaded["otklik.web.app"]


def test_every_lazy_command_loads_and_is_listed() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0, result.output
    for name in OtklikCommands.lazy:
        assert f" {name} " in result.output
        sub = CliRunner().invoke(app, [*name.split(), "--help"])
        assert sub.exit_code == 0, (name, sub.output)


def test_an_unknown_command_is_an_error() -> None:
    result = CliRunner().invoke(app, ["no-such-command"])
    assert result.exit_code != 0
