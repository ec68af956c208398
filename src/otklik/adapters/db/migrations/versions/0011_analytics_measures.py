"""The dashboard's stored measures on each appeal: working hours to the first response and to the final answer,
reopen count, who routed it first, whether a person corrected it, the latest rating — with a backfill.

Computing working hours per appeal at read time does not scale to a million appeals; they are written when the
event happens (`domain/analytics.py`), and this migration fills them in for the appeals that already exist.

Revision ID: 0011_analytics_measures
Revises: 0010_answer_attachments
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0011_analytics_measures"
down_revision = "0010_answer_attachments"
branch_labels = None
depends_on = None

COLUMNS = (
    "first_response_hours",
    "final_answer_hours",
    "reopen_count",
    "routed_by_machine",
    "corrected",
    "rating_score",
    "rating_solved",
)


def upgrade() -> None:
    with op.batch_alter_table("appeals") as batch_op:
        batch_op.add_column(sa.Column("first_response_hours", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("final_answer_hours", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("reopen_count", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("routed_by_machine", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("corrected", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("rating_score", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("rating_solved", sa.Boolean(), nullable=True))
    op.create_index("ix_appeal_events_type_status", "appeal_events", ["type", "to_status"])
    _backfill()
    op.drop_index("ix_appeal_events_type_status", "appeal_events")


def _backfill() -> None:
    """Counts from the events in SQL; working hours per appeal in Python with the domain's calendar (the same
    code that writes them from now on), in batches."""
    bind = op.get_bind()
    bind.execute(
        sa.text(
            "UPDATE appeals SET reopen_count = (SELECT count(*) FROM appeal_events e WHERE e.appeal_id = appeals.id"
            " AND e.type = 'status_changed' AND e.to_status = 'reopened')"
        )
    )
    bind.execute(
        sa.text(
            "UPDATE appeals SET corrected = EXISTS (SELECT 1 FROM appeal_events e WHERE e.appeal_id = appeals.id"
            " AND e.type = 'corrected')"
        )
    )
    bind.execute(
        sa.text(
            "UPDATE appeals SET routed_by_machine = (SELECT e.actor = 'system' FROM appeal_events e"
            " WHERE e.appeal_id = appeals.id AND e.type = 'status_changed' AND e.to_status = 'assigned'"
            " ORDER BY e.id LIMIT 1)"
        )
    )
    bind.execute(
        sa.text(
            "UPDATE appeals SET rating_score = (SELECT r.score FROM ratings r WHERE r.appeal_id = appeals.id"
            " ORDER BY r.id DESC LIMIT 1), rating_solved = (SELECT r.solved FROM ratings r"
            " WHERE r.appeal_id = appeals.id ORDER BY r.id DESC LIMIT 1)"
        )
    )
    _backfill_hours(bind)


def _backfill_hours(bind: sa.Connection) -> None:
    from otklik.domain.analytics import working_hours_between
    from otklik.reference.files import load_working_hours
    from otklik.reference.production_calendar import russian_calendar

    calendar = russian_calendar(hours=load_working_hours())
    rows = bind.execute(
        sa.text(
            "SELECT id, created_at, answered_at, resolved_at FROM appeals"
            " WHERE answered_at IS NOT NULL OR resolved_at IS NOT NULL"
        )
    ).all()
    update = sa.text("UPDATE appeals SET first_response_hours = :first, final_answer_hours = :final WHERE id = :id")
    batch: list[dict[str, object]] = []
    for appeal_id, created, answered, resolved in rows:
        created = _aware(created)
        batch.append(
            {
                "id": appeal_id,
                "first": working_hours_between(calendar, created, _aware(answered)) if answered else None,
                "final": working_hours_between(calendar, created, _aware(resolved)) if resolved else None,
            }
        )
        if len(batch) >= 5000:
            bind.execute(update, batch)
            batch = []
    if batch:
        bind.execute(update, batch)


def _aware(value: datetime | str) -> datetime:
    """SQLite returns naive UTC (or text through a raw query); PostgreSQL aware datetimes."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def downgrade() -> None:
    with op.batch_alter_table("appeals") as batch_op:
        for column in reversed(COLUMNS):
            batch_op.drop_column(column)
