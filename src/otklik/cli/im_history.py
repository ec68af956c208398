"""`otklik import im --history FILE`: an «Инцидент Менеджмент» archive as appeals from the past (docs/im-history.md)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from otklik.channels.im_import.history import HistoryRow
from otklik.domain.errors import InvalidInput
from otklik.services.context import ServiceContext
from otklik.services.history_import import HistoryImporter, Unmapped


@dataclass
class HistorySummary:
    imported: int = 0
    duplicates: int = 0
    rejected: list[str] = field(default_factory=list)
    unmapped: Counter[Unmapped] = field(default_factory=Counter)


def import_history(ctx: ServiceContext, rows: Sequence[HistoryRow], console: Console) -> HistorySummary:
    """Row by row, each in its own transaction: a bad row is reported with its line, the good ones go in."""
    importer = HistoryImporter(ctx)
    summary = HistorySummary()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("история ИМ", total=len(rows))
        for row in rows:
            _one(importer, row, summary)
            progress.advance(task)
    return summary


def _one(importer: HistoryImporter, row: HistoryRow, summary: HistorySummary) -> None:
    if row.appeal is None:
        summary.rejected.append(f"line {row.line}: {row.error}")
        return
    try:
        result = importer.add(row.appeal)
    except InvalidInput as error:
        summary.rejected.append(f"line {row.line}: {error.reason}")
        return
    if result.duplicate:
        summary.duplicates += 1
        return
    summary.imported += 1
    summary.unmapped.update(result.unmapped)


def report(summary: HistorySummary, console: Console) -> None:
    for problem in summary.rejected:
        console.print(problem, markup=False, highlight=False)
    if summary.unmapped:
        console.print("not in the reference data (imported without it, see docs/im-history.md):", markup=False)
        for item, count in sorted(summary.unmapped.items(), key=lambda pair: (pair[0].what, -pair[1], pair[0].name)):
            console.print(f"  {item.what} «{item.name}»: {count}", markup=False, highlight=False)
    if summary.duplicates and not summary.imported:
        console.print(f"nothing new: all {summary.duplicates} rows were imported before", markup=False)
    typer.echo(f"imported: {summary.imported}, duplicates: {summary.duplicates}, rejected: {len(summary.rejected)}")
    if summary.rejected:
        raise typer.Exit(1)
