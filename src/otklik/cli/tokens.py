"""`otklik tokens create|list|revoke`: integration tokens for channel gateways, 112 systems, Open311 clients."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from otklik.bootstrap import bootstrap
from otklik.domain.access import TOKEN_SCOPES
from otklik.domain.errors import DomainError
from otklik.services import staff
from otklik.settings import load_settings

app = typer.Typer(help="Токены интеграций: каналы, 112, клиенты Open311.", no_args_is_help=True)
console = Console(stderr=True)


@app.command("create")
def create(
    name: str = typer.Option(..., help="имя интеграции, например vk-gateway"),
    scopes: str = typer.Option(..., help="через запятую: " + ", ".join(TOKEN_SCOPES)),
) -> None:
    """Print a new token (once: only its hash is kept). Send it as `Authorization: Bearer <token>`."""
    ctx = bootstrap(load_settings())
    try:
        token, record = staff.create_token(ctx, name, scopes.split(","))
    except DomainError as error:
        console.print(f"[red]ошибка:[/red] {error.reason}")
        raise typer.Exit(2) from None
    console.print(f"token {record.name} with scopes {', '.join(record.scopes)}; it is shown only now:")
    typer.echo(token)


@app.command("list")
def list_tokens() -> None:
    ctx = bootstrap(load_settings())
    table = Table("name", "scopes", "created", "revoked")
    for record in staff.list_tokens(ctx):
        revoked = record.revoked_at.isoformat(timespec="minutes") if record.revoked_at else ""
        table.add_row(record.name, ", ".join(record.scopes), record.created_at.isoformat(timespec="minutes"), revoked)
    Console().print(table)


@app.command("revoke")
def revoke(name: str) -> None:
    """Revoke a token at once; requests with it get 401 from now on."""
    ctx = bootstrap(load_settings())
    try:
        staff.revoke_token(ctx, name)
    except DomainError as error:
        console.print(f"[red]ошибка:[/red] {error.reason}")
        raise typer.Exit(2) from None
    typer.echo(f"revoked {name}")
