"""A batch of accepted messages and their outbox rows in one PostgreSQL statement of fixed text (docs/ingestion.md).

The rows travel as one JSON array (a single parameter, serialized in C by `json.dumps`) that `jsonb_to_recordset`
turns back into typed rows, so the statement's text is the same for a batch of one and of 128. SQLAlchemy's
multi-row `INSERT … VALUES (…), (…)` grew with the batch: psycopg re-parsed its text on every batch (it caches
statements of up to 4,096 characters only; ≈ 10 % of the API process's CPU), and PostgreSQL planned it anew.
(One array per column, for `unnest`, was tried first: psycopg dumps arrays element by element in Python, and
that cost as much again.) The messages are inserted once per (channel, external id) as before (ON CONFLICT DO
NOTHING), and only the rows inserted get an outbox row, in the same statement (a data-modifying CTE): one round
trip instead of two."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime

from sqlalchemy import Connection

from otklik.domain.message import InboundMessage

# `ORDER BY n`: rows are inserted in the order given (the caller sorts them by key, so two processes inserting
# overlapping batches wait for each other in one order, never in a cycle).
_STATEMENT = """
WITH incoming AS (
    SELECT * FROM jsonb_to_recordset(%(rows)s::jsonb) AS r(
        n integer, channel varchar, external_id varchar, text text, author jsonb, created_at timestamptz,
        url varchar, lat float8, lon float8, address varchar, context jsonb, attachments jsonb, formal boolean
    )
),
stored AS (
    INSERT INTO messages (channel, external_id, text, author, created_at, received_at, url, lat, lon, address,
                          context, attachments, formal)
    SELECT channel, external_id, text, author, created_at, %(received_at)s, url, lat, lon, address, context,
           attachments, formal
    FROM incoming ORDER BY n
    ON CONFLICT (channel, external_id) DO NOTHING
    RETURNING id, channel, external_id
),
announced AS (
    INSERT INTO outbox (topic, payload, created_at)
    SELECT %(topic)s, jsonb_build_object('message_id', id), %(received_at)s FROM stored ORDER BY id
)
SELECT id, channel, external_id FROM stored
"""


def _rows(rows: Sequence[InboundMessage], author_fields: Sequence[str]) -> str:
    return json.dumps(
        [
            {
                "n": n,
                "channel": m.channel.value,
                "external_id": m.external_id,
                "text": m.text,
                "author": {name: getattr(m.author, name) for name in author_fields},
                "created_at": m.created_at.isoformat(),  # with its offset: timestamptz reads the instant
                "url": m.url,
                "lat": m.lat,  # finite (services/messages.validate_message): repr reads back as the same float
                "lon": m.lon,
                "address": m.address,
                "context": m.context,
                "attachments": [asdict(a) for a in m.attachments],
                "formal": m.formal,
            }
            for n, m in enumerate(rows)
        ],
        ensure_ascii=False,
        allow_nan=False,
    )


def insert_announced(
    connection: Connection,
    rows: Sequence[InboundMessage],
    received_at: datetime,
    topic: str,
    author_fields: Sequence[str],
) -> dict[tuple[str, str], int]:
    """Insert the messages not stored yet and an outbox event `topic` {"message_id": id} for each: the new ids by
    (channel, external id). `rows` must not repeat a key (one statement cannot insert the same key twice)."""
    parameters = {"rows": _rows(rows, author_fields), "received_at": received_at, "topic": topic}
    result = connection.exec_driver_sql(_STATEMENT, parameters)
    return {(channel, external_id): int(message_id) for message_id, channel, external_id in result}
