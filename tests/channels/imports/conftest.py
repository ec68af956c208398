"""Import tests run the real `otklik import` commands on the test database."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from otklik.cli import imports
from otklik.cli.main import app
from otklik.services.context import ServiceContext

RunImport = Callable[..., Result]


@pytest.fixture
def run_import(ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch) -> RunImport:
    monkeypatch.setattr(imports, "build_context", lambda: ctx)
    runner = CliRunner()

    def run(*args: str | Path) -> Result:
        return runner.invoke(app, ["import", *map(str, args)])

    return run
