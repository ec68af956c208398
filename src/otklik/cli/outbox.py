"""`otklik outbox status|replay`: what waits in the outbox, and a second chance for parked events."""

from __future__ import annotations

import typer

from otklik.bootstrap import bootstrap
from otklik.settings import load_settings

app = typer.Typer(help="Очередь событий (outbox): состояние и повтор отложенных.", no_args_is_help=True)


@app.command()
def status() -> None:
    """Counts by state (pending, published, done, parked) and topic, and the age of the oldest unfinished event."""
    ctx = bootstrap(load_settings())
    with ctx.uow(readonly=True) as uow:
        counts = uow.outbox.counts()
        lag = uow.outbox.oldest_unfinished_age(ctx.clock.now())
    for row in sorted(counts, key=lambda c: (c.state, c.topic)):
        typer.echo(f"{row.state:<10} {row.topic:<28} {row.count}")
    if not counts:
        typer.echo("the outbox is empty")
    typer.echo(f"oldest pending: {'none' if lag is None else f'{lag.total_seconds():.1f} s'}")


@app.command()
def replay(
    topic: str | None = typer.Option(None, "--topic", help="only the parked events of this topic"),
    event_id: int | None = typer.Option(None, "--id", help="only this event"),
) -> None:
    """Un-park events whose handler failed too often (after the cause is fixed): they run again."""
    ctx = bootstrap(load_settings())
    with ctx.uow() as uow:
        replayed = uow.outbox.replay(topic=topic, event_id=event_id)
        uow.commit()
    if replayed == 0:
        typer.echo("no parked event matches", err=True)
        raise typer.Exit(1)
    typer.echo(f"replayed: {replayed}")
