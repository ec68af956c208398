"""`otklik users add|list|disable|enable|passwd`: staff accounts with their roles and scopes."""

from __future__ import annotations

import sys

import typer
from rich.console import Console
from rich.table import Table

from otklik.bootstrap import bootstrap
from otklik.domain.access import ROLE_RU, Role
from otklik.domain.errors import DomainError
from otklik.services import staff
from otklik.settings import load_settings

app = typer.Typer(help="Сотрудники: учётные записи, роли, области видимости.", no_args_is_help=True)
console = Console(stderr=True)
ROLES = ", ".join(r.value for r in Role)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("пароль", hide_input=True, confirmation_prompt=True)
    if not password:
        raise typer.BadParameter("пустой пароль", param_hint="--password-stdin")
    return password


def _fail(error: DomainError) -> typer.Exit:
    console.print(f"[red]ошибка:[/red] {error.reason}")
    return typer.Exit(2)


@app.command("add")
def add(
    login: str = typer.Argument(..., help="логин: латиница, цифры, точка, дефис"),
    role: str = typer.Option(..., help=f"роль: {ROLES}"),
    municipality: str | None = typer.Option(None, help="муниципалитет модератора района (ОКТМО или название)"),
    agency: str | None = typer.Option(None, help="орган исполнителя или руководителя (id из справочника)"),
    name: str | None = typer.Option(None, help="ФИО, как его увидят в истории обращения"),
    email: str | None = typer.Option(None, help="куда слать напоминания о сроках"),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="прочитать пароль из первой строки stdin"),
) -> None:
    """Create a staff account; the password is read from stdin or asked for, never taken as an argument."""
    try:
        parsed = Role(role)
    except ValueError:
        raise typer.BadParameter(f"неизвестная роль {role!r}; возможны: {ROLES}", param_hint="--role") from None
    password = _password(password_stdin)
    ctx = bootstrap(load_settings())
    try:
        user = staff.add_user(ctx, staff.NewUser(login, parsed, password, name, municipality, agency, email))
    except DomainError as error:
        raise _fail(error) from None
    scope = user.municipality_id or user.agency_id or "весь регион"
    typer.echo(f"added {user.login} ({user.role}, {scope})")


@app.command("list")
def list_users() -> None:
    """Every staff account with role and scope."""
    ctx = bootstrap(load_settings())
    table = Table("login", "ФИО", "роль", "муниципалитет", "орган", "активен")
    for user in staff.list_users(ctx):
        table.add_row(
            user.login,
            user.name,
            ROLE_RU.get(Role(user.role), user.role),
            user.municipality_id or "",
            user.agency_id or "",
            "да" if user.active else "нет",
        )
    Console().print(table)


@app.command("disable")
def disable(login: str) -> None:
    """Block an account and end its sessions (nothing is deleted: its actions stay in the history)."""
    ctx = bootstrap(load_settings())
    try:
        staff.set_active(ctx, login, False)
    except DomainError as error:
        raise _fail(error) from None
    typer.echo(f"disabled {login}")


@app.command("enable")
def enable(login: str) -> None:
    ctx = bootstrap(load_settings())
    try:
        staff.set_active(ctx, login, True)
    except DomainError as error:
        raise _fail(error) from None
    typer.echo(f"enabled {login}")


@app.command("passwd")
def passwd(
    login: str,
    password_stdin: bool = typer.Option(False, "--password-stdin", help="прочитать пароль из первой строки stdin"),
) -> None:
    """Set a new password for a person (every session of theirs ends)."""
    password = _password(password_stdin)
    ctx = bootstrap(load_settings())
    try:
        staff.reset_password(ctx, login, password)
    except DomainError as error:
        raise _fail(error) from None
    typer.echo(f"password set for {login}")
