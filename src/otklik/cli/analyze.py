"""`otklik analyze`: the understanding engine on one text or on JSON lines from stdin."""

from __future__ import annotations

import itertools
import json
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:  # the engine's modules (scikit-learn…) load when the command runs, not for `--help`
    from otklik.nlp.analyze import Message
    from otklik.pipeline.components import Understanding

BATCH = 256


def _engine() -> Understanding:
    from otklik.nlp.factory import build_understanding
    from otklik.reference.files import load_reference
    from otklik.settings import Settings

    # The service's threshold (OTKLIK_AUTO_ASSIGN_THRESHOLD), so that «на модерацию» here is what the service does.
    return build_understanding(load_reference(), auto_assign_threshold=Settings().auto_assign_threshold)


def _messages(lines: Iterator[str]) -> Iterator[Message]:
    from otklik.nlp.analyze import Message

    for line in lines:
        if not line.strip():
            continue
        try:
            data: Any = json.loads(line)
        except json.JSONDecodeError:
            data = {"text": line.rstrip("\n")}
        if not isinstance(data, dict):
            data = {"text": str(data)}
        yield Message.from_mapping(data)


def analyze(
    text: str = typer.Argument(None, help="Текст сообщения"),
    jsonl: bool = typer.Option(False, "--jsonl", help='Читать строки JSON {"text": …, "channel": …} из stdin'),
    channel: str = typer.Option(None, "--channel", help="Канал (vk, telegram, portal, …)"),
) -> None:
    """Разобрать сообщение: обращение ли, тема, место, орган, приоритет."""
    if not jsonl and text is None:
        raise typer.BadParameter("дайте текст или --jsonl")
    from otklik.nlp.analyze import Message, analyze_messages

    understanding = _engine()
    if not jsonl:
        result = analyze_messages(understanding, [Message(text, channel)])[0]
        typer.echo(json.dumps(result, ensure_ascii=False))
        return
    messages = _messages(iter(sys.stdin))
    while batch := list(itertools.islice(messages, BATCH)):
        out = [json.dumps(r, ensure_ascii=False) for r in analyze_messages(understanding, batch)]
        sys.stdout.write("\n".join(out) + "\n")
        sys.stdout.flush()
