"""Structured logs (structlog) and service metrics (Prometheus); never log secrets or raw personal data."""

from __future__ import annotations

import logging

import structlog
from prometheus_client import Counter, Histogram

MESSAGES_RECEIVED = Counter(
    "otklik_messages_received_total", "Inbound messages by channel and outcome", ["channel", "outcome"]
)
APPEAL_TRANSITIONS = Counter("otklik_appeal_transitions_total", "Status changes by target status", ["to"])
REQUEST_SECONDS = Histogram("otklik_request_seconds", "HTTP request time by route", ["method", "route"])
# POST /api/v1/messages answered by the short way (web/message_lane.py) or handed to the app (anything not plainly fine)
MESSAGE_LANE = Counter("otklik_message_lane_total", "POST /api/v1/messages by the way it was answered", ["way"])


def configure_logging(level: str = "INFO", *, json: bool = False) -> None:
    # Plain tracebacks: the default rich renderer prints every frame's local variables — slow (seconds under load,
    # while the client waits for its 500) and a way for citizens' texts to reach the log.
    renderers: list[structlog.types.Processor] = (
        [structlog.processors.format_exc_info, structlog.processors.JSONRenderer(ensure_ascii=False)]
        if json
        else [structlog.dev.ConsoleRenderer(colors=False, exception_formatter=structlog.dev.plain_traceback)]
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            *renderers,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        cache_logger_on_first_use=True,
    )
