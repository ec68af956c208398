"""The `otklik` command: one Typer app; each command group lives in its own module."""

from __future__ import annotations

import typer

from otklik.cli import (
    analytics,
    analyze,
    channels,
    db,
    imports,
    model,
    outbox,
    report,
    serve,
    sla,
    tokens,
    users,
    worker,
)

app = typer.Typer(name="otklik", help="Отклик: единая система обращений граждан.", no_args_is_help=True)
app.command("serve")(serve.serve)
app.command("worker")(worker.worker)
app.add_typer(outbox.app, name="outbox")
app.add_typer(db.app, name="db")
app.add_typer(channels.app, name="channels")
app.add_typer(imports.app, name="import")
app.command("analyze")(analyze.analyze)
app.add_typer(model.app, name="model")
app.add_typer(users.app, name="users")
app.add_typer(tokens.app, name="tokens")
app.add_typer(sla.app, name="sla")
app.add_typer(report.app, name="report")
app.add_typer(analytics.app, name="analytics")

if __name__ == "__main__":
    app()
