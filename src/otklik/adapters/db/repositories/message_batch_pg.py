"""A batch of accepted messages and their outbox rows in one PostgreSQL statement of fixed text (docs/ingestion.md).

The rows travel as one array per column and `unnest` turns them back into rows, so the statement's text is the
same for a batch of one and of 128. SQLAlchemy's multi-row `INSERT … VALUES (…), (…)` grew with the batch: psycopg
re-parsed its text on every batch (it caches statements of up to 4,096 characters only; ≈ 10 % of the API
process's CPU), and PostgreSQL planned it anew. This one psycopg parses once per connection and then prepares.
The messages are inserted once per (channel, external id) as before (ON CONFLICT DO NOTHING), and only the rows
inserted get an outbox row, in the same statement (a data-modifying CTE): one round trip instead of two."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from otklik.domain.message import InboundMessage

# `WITH ORDINALITY … ORDER BY n`: rows are inserted in the order given (the caller sorts them by key, so two
# processes inserting overlapping batches wait for each other in one order, never in a cycle).
_STATEMENT = """
WITH incoming AS (
    SELECT * FROM unnest(
        %(channel)s::varchar[], %(external_id)s::varchar[], %(text)s::text[], %(author)s::jsonb[],
        %(created_at)s::timestamptz[], %(url)s::varchar[], %(lat)s::float8[], %(lon)s::float8[],
        %(address)s::varchar[], %(context)s::jsonb[], %(attachments)s::jsonb[], %(formal)s::boolean[]
    ) WITH ORDINALITY AS r(channel, external_id, text, author, created_at, url, lat, lon, address, context,
                           attachments, formal, n)
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


def _columns(rows: Sequence[InboundMessage], author_fields: Sequence[str]) -> dict[str, Any]:
    dumps = json.dumps
    return {
        "channel": [m.channel.value for m in rows],
        "external_id": [m.external_id for m in rows],
        "text": [m.text for m in rows],
        "author": [dumps({name: getattr(m.author, name) for name in author_fields}) for m in rows],
        "created_at": [m.created_at for m in rows],
        "url": [m.url for m in rows],
        "lat": [m.lat for m in rows],
        "lon": [m.lon for m in rows],
        "address": [m.address for m in rows],
        "context": [dumps(m.context) for m in rows],
        "attachments": [dumps([asdict(a) for a in m.attachments]) for m in rows],
        "formal": [m.formal for m in rows],
    }


def insert_announced(
    connection: Connection,
    rows: Sequence[InboundMessage],
    received_at: datetime,
    topic: str,
    author_fields: Sequence[str],
) -> dict[tuple[str, str], int]:
    """Insert the messages not stored yet and an outbox event `topic` {"message_id": id} for each: the new ids by
    (channel, external id). `rows` must not repeat a key (one statement cannot insert the same key twice)."""
    parameters = _columns(rows, author_fields)
    parameters["received_at"] = received_at
    parameters["topic"] = topic
    result = connection.exec_driver_sql(_STATEMENT, parameters)
    return {(channel, external_id): int(message_id) for message_id, channel, external_id in result}
