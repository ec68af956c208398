"""`otklik report weekly`: the governor's weekly report as XLSX or PDF (the format from the file's extension).

The command acts as the system: the whole region, unless `--municipality` narrows it to one municipality."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.console import Console

from otklik.domain.errors import InvalidInput

app = typer.Typer(help="Отчёты: еженедельный отчёт для губернатора (XLSX, PDF).", no_args_is_help=True)
FORMATS = (".xlsx", ".pdf")


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date; expected YYYY-MM-DD, e.g. 2026-11-23") from None


def _out(text: str) -> Path:
    value = Path(text)
    if value.suffix.lower() not in FORMATS:
        raise typer.BadParameter(f"{str(value)!r}: unknown extension {value.suffix or '(none)'!r}; use .xlsx or .pdf")
    folder = value.resolve().parent
    if not folder.is_dir():
        raise typer.BadParameter(f"{str(value)!r}: the folder {str(folder)!r} does not exist")
    if value.is_dir():
        raise typer.BadParameter(f"{str(value)!r} is a folder, not a file")
    return value


@app.command()
def weekly(
    start: date = typer.Option(..., "--from", parser=_day, metavar="YYYY-MM-DD", help="first day (the region's date)"),
    end: date = typer.Option(..., "--to", parser=_day, metavar="YYYY-MM-DD", help="last day, inclusive"),
    out: Path = typer.Option(..., "--out", parser=_out, metavar="FILE.xlsx|FILE.pdf", help="where to write it"),
    municipality: str | None = typer.Option(None, "--municipality", help="OKTMO code or name: one municipality"),
) -> None:
    """Write the weekly report over the appeals registered from --from to --to."""
    if start > end:
        raise typer.BadParameter(f"--from {start} is after --to {end}", param_hint="'--from' / '--to'")
    # Imported here: `--help` and argument errors must not need a database.
    from otklik.bootstrap import bootstrap
    from otklik.domain.access import SYSTEM
    from otklik.services import reports
    from otklik.settings import load_settings

    console = Console(stderr=True)
    fmt = reports.report_format(out.suffix)
    with console.status("подключение к базе…") as status:
        ctx = bootstrap(load_settings())
        place = None
        if municipality is not None:
            found = ctx.reference.municipality(municipality) or ctx.reference.municipality_by_name(municipality)
            if found is None:
                raise typer.BadParameter(f"unknown municipality {municipality!r}", param_hint="'--municipality'")
            place = found.id

        def step(name: str) -> None:
            status.update(f"отчёт: {name}…")
            console.log(f"отчёт: {name}")

        try:
            report = reports.weekly_report(ctx, SYSTEM, start, end, place, progress=step)
        except InvalidInput as error:
            raise typer.BadParameter(str(error)) from None
        step(f"оформление {fmt.value.upper()}")
        content = reports.render(report, fmt)
    try:
        out.write_bytes(content)
    except OSError as error:
        raise typer.BadParameter(f"cannot write {str(out)!r}: {error.strerror}", param_hint="'--out'") from None
    typer.echo(f"written {out} ({len(content):,} bytes)")
