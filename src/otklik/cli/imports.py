"""`otklik import calls|im|table|email`: files and mailboxes in; bad rows named by line, nothing imported twice."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from otklik.bootstrap import bootstrap
from otklik.channels.email.imap_poller import ImapPoller, MailboxError
from otklik.channels.email.settings import EmailSettings
from otklik.channels.hotline.card_files import read_card_file
from otklik.channels.im_import.history import read_history
from otklik.channels.im_import.workbook import read_incidents
from otklik.channels.table_import.column_map import parse_column_map
from otklik.channels.table_import.messages import row_message
from otklik.channels.table_import.table import read_table
from otklik.cli import im_history
from otklik.domain.errors import InvalidInput
from otklik.domain.message import InboundMessage, MessageOutcome
from otklik.observability import configure_logging
from otklik.services.context import ServiceContext
from otklik.services.messages import receive_message
from otklik.settings import load_settings

app = typer.Typer(
    help="Импорт: карточки звонков, выгрузки «Инцидент Менеджмент», таблицы, почта.", no_args_is_help=True
)
console = Console(stderr=True, soft_wrap=True)  # a bad row stays on one line, for grep and for people
T = TypeVar("T")
FILE = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="the file to import")


@dataclass(frozen=True)
class Row:
    """One row of any import: its line in the file and a message, or the reason it is not one."""

    line: int
    message: InboundMessage | None = None
    error: str | None = None


@dataclass
class Summary:
    imported: int = 0
    duplicates: int = 0
    rejected: list[str] = field(default_factory=list)

    def line(self) -> str:
        return f"imported: {self.imported}, duplicates: {self.duplicates}, rejected: {len(self.rejected)}"


def build_context() -> ServiceContext:
    """The service context of the configured database; tests replace this to use theirs."""
    settings = load_settings()
    configure_logging("WARNING", json=settings.log_json)  # per-message logs would drown the progress bar
    return bootstrap(settings)


@app.command()
def calls(file: Path = FILE) -> None:
    """Call cards of the hotline or 112 from CSV or JSON (fields: card_id, line, call_time, caller_name, phone,
    email, address, text, operator)."""
    rows = _or_exit(lambda: read_card_file(file))
    _finish(_import(build_context(), [Row(r.line, r.card.to_message() if r.card else None, r.error) for r in rows]))


@app.command()
def im(
    file: Path = FILE,
    history: bool = typer.Option(
        False, "--history", help="an archive: each row an appeal as it was (topic, place, body, answers, outcome)"
    ),
) -> None:
    """An «Инцидент Менеджмент» export (.xlsx): «Текст инцидента», «Дата создания»; other columns kept as raw.
    With --history, rows are not judged again: see docs/im-history.md."""
    if history:
        history_rows = _or_exit(lambda: read_history(file))
        im_history.report(im_history.import_history(build_context(), history_rows, console), console)
        return
    rows = _or_exit(lambda: read_incidents(file))
    _finish(_import(build_context(), [Row(r.line, r.message, r.error) for r in rows]))


@app.command()
def table(
    file: Path = FILE,
    map_: str = typer.Option(
        ..., "--map", help="field=COLUMN pairs, e.g. text=Текст,created_at=Дата,author=ФИО,phone=Телефон,address=Адрес"
    ),
) -> None:
    """Any CSV or XLSX table; --map names the columns (fields: text, created_at, author, phone, email, address,
    external_id, url). Unmapped columns are kept as raw data."""
    columns = _or_exit(lambda: parse_column_map(map_))
    data = _or_exit(lambda: read_table(file))
    missing = columns.missing_in(data.header)
    if missing:
        console.print(f"line 1: no column(s) {', '.join(missing)} in the header ({', '.join(data.header)})")
        raise typer.Exit(1)
    ctx = build_context()
    now = ctx.clock.now()
    rows = [row_message(row, columns, imported_at=now) for row in data.rows]
    _finish(_import(ctx, [Row(r.line, r.message, r.error) for r in rows]))


@app.command()
def email() -> None:
    """Read new letters from the IMAP mailbox in OTKLIK_EMAIL_* once (a bounded round; repeat for more)."""
    settings = EmailSettings()
    if not settings.imap_configured:
        console.print("error: set OTKLIK_EMAIL_IMAP_HOST, OTKLIK_EMAIL_IMAP_USER and OTKLIK_EMAIL_IMAP_PASSWORD")
        raise typer.Exit(1)
    try:
        report = ImapPoller(build_context(), settings).poll_once()
    except MailboxError as error:
        console.print(f"error: {error}")
        raise typer.Exit(1) from None
    summary = Summary(report.registered, report.duplicates, report.rejected)
    for skipped in report.skipped:
        console.print(f"skipped {skipped}", markup=False, highlight=False)
    if report.more:
        console.print("more letters are waiting: run the command again")
    _finish(summary)


def _or_exit(read: Callable[[], T]) -> T:
    try:
        return read()
    except InvalidInput as error:
        console.print(f"error: {error.reason}")
        raise typer.Exit(1) from None


def _import(ctx: ServiceContext, rows: Sequence[Row]) -> Summary:
    summary = Summary()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("импорт", total=len(rows))
        for row in rows:
            _import_row(ctx, row, summary)
            progress.advance(task)
    return summary


def _import_row(ctx: ServiceContext, row: Row, summary: Summary) -> None:
    if row.message is None:
        summary.rejected.append(f"line {row.line}: {row.error}")
        return
    try:
        decision = receive_message(ctx, row.message)
    except InvalidInput as error:
        summary.rejected.append(f"line {row.line}: {error.reason}")
        return
    if decision.outcome is MessageOutcome.DUPLICATE:
        summary.duplicates += 1
    else:
        summary.imported += 1


def _finish(summary: Summary) -> None:
    for problem in summary.rejected:
        console.print(problem, markup=False, highlight=False)
    typer.echo(summary.line())
    if summary.rejected:
        raise typer.Exit(1)
