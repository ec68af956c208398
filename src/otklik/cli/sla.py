"""`otklik sla due|scan`: the deadlines of an appeal kind for a moment, and one scan for reminders."""

from __future__ import annotations

from datetime import datetime

import typer

from otklik.domain.appeal_kind import AppealKind, Priority
from otklik.domain.calendar import MOSCOW
from otklik.domain.deadlines import compute_deadlines
from otklik.reference.files import load_deadline_policies, load_working_hours
from otklik.reference.production_calendar import russian_calendar

app = typer.Typer(help="Сроки: расчёт по производственному календарю и напоминания.", no_args_is_help=True)


def _received(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not an ISO 8601 date and time, e.g. 2026-11-03T11:00 or 2026-11-03T08:00:00+00:00"
        ) from None
    # A time without a zone is read as the region's own: people type the clock on their wall.
    return moment.replace(tzinfo=MOSCOW) if moment.tzinfo is None else moment


def _iso(moment: datetime | None) -> str:
    return moment.astimezone(MOSCOW).isoformat(timespec="seconds") if moment else "none"


@app.command()
def due(
    # Enums: Typer lists the allowed values in --help and refuses others with BadParameter (exit code 2).
    kind: AppealKind = typer.Option(..., "--kind", help="the appeal kind"),
    priority: Priority = typer.Option(Priority.NORMAL, "--priority", help="the appeal priority"),
    registered: datetime = typer.Option(
        ..., "--received", parser=_received, metavar="ISO-DATETIME", help="ISO 8601; without a zone: Europe/Moscow"
    ),
) -> None:
    """Print when the first response and the final answer are due for an appeal registered at --received."""
    local_year = registered.astimezone(MOSCOW).year
    # The same calendar and policies as the service (bootstrap), for the years this deadline can reach.
    calendar = russian_calendar(local_year - 1, local_year + 1, hours=load_working_hours())
    deadlines = compute_deadlines(load_deadline_policies()[kind], registered, priority, calendar)
    typer.echo(f"first_response: {_iso(deadlines.first_response_due_at)}")
    typer.echo(f"final: {_iso(deadlines.due_at)}")


@app.command()
def scan() -> None:
    """Fire the due deadline reminders (50 %, 80 %, overdue) once; safe to run from cron and in parallel."""
    # Imported here: `sla due` must work without a database, and bootstrap connects to one.
    from otklik.bootstrap import bootstrap
    from otklik.services.deadline_scan import scan_deadlines
    from otklik.settings import load_settings

    fired = scan_deadlines(bootstrap(load_settings()))
    typer.echo(f"reminders fired: {fired}")
