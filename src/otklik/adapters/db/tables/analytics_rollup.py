"""The dashboard's incremental rollup: counts of appeals per local day of registration and one dimension value,
kept right in the same transaction as every change of an appeal (adapters/db/repositories/analytics_rollup.py).

A cell is (day, dimension, value, awaiting): `dimension` is "" (the whole region: one cell per day), "group",
"topic", "municipality", "channel" or "agency"; `awaiting` says the appeals wait for a moderator (a body's scope
excludes them, `visible_in`). Working hours have a histogram per whole-region day (`analytics_rollup_hours`),
since percentiles cannot be summed (docs/analytics.md, «Rollups»).

A change of an appeal does not update the cells: it appends its delta to `analytics_rollup_pending` (and
`analytics_rollup_hours_pending`), rows no other transaction ever locks, and the leader folds them into the cells
every few seconds; the dashboard sums cells and pending deltas together, so it is exact at every commit. (Updating
the day's cells in the registration's transaction made every decision wait for the previous one's commit.)
"""

from sqlalchemy import BigInteger, Boolean, Column, Date, Index, Integer, PrimaryKeyConstraint, String, Table

from otklik.adapters.db.metadata import metadata
from otklik.adapters.db.tables.appeals import appeals

# The statuses of an appeal in a body's work (domain.access / repositories.appeals `_IN_WORK`): overdue depends on
# the moment, so it is counted from the appeals themselves, through this partial index of the backlog only.
IN_WORK = ("answered", "assigned", "in_progress", "redirected", "reopened")

# The counters of a cell: the appeals, every stored measure except the time-dependent `overdue`, the rating sum.
ROLLUP_COUNTERS = (
    "n",
    "final_answer",
    "ever_answered",
    "first_response",
    "due_answered",
    "on_time",
    "late",
    "open",
    "reopened",
    "routed",
    "redirected",
    "machine_routed",
    "machine_corrected",
    "rated",
    "solved",
    "rating_sum",
)

analytics_rollup = Table(
    "analytics_rollup",
    metadata,
    Column("day", Date, nullable=False),
    Column("dimension", String(16), nullable=False),
    Column("value", String(300), nullable=False),
    Column("awaiting", Boolean, nullable=False),
    *(Column(name, Integer, nullable=False, default=0) for name in ROLLUP_COUNTERS),
    PrimaryKeyConstraint("day", "dimension", "value", "awaiting", name="pk_analytics_rollup"),
)

analytics_rollup_hours = Table(
    "analytics_rollup_hours",
    metadata,
    Column("day", Date, nullable=False),
    Column("kind", String(16), nullable=False),  # first_response | final_answer
    Column("bucket", Integer, nullable=False),  # domain.analytics.HOUR_EDGES index
    Column("n", Integer, nullable=False, default=0),
    PrimaryKeyConstraint("day", "kind", "bucket", name="pk_analytics_rollup_hours"),
)

# Appended by every change of an appeal, folded into the cells above by the leader (repositories/analytics_rollup.py:
# fold_pending). No key but the id: two writers never touch the same row.
_ID = BigInteger().with_variant(Integer(), "sqlite")  # SQLite's rowid alias must be INTEGER
analytics_rollup_pending = Table(
    "analytics_rollup_pending",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("day", Date, nullable=False),
    Column("dimension", String(16), nullable=False),
    Column("value", String(300), nullable=False),
    Column("awaiting", Boolean, nullable=False),
    *(Column(name, Integer, nullable=False, default=0) for name in ROLLUP_COUNTERS),
)
analytics_rollup_hours_pending = Table(
    "analytics_rollup_hours_pending",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("day", Date, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("bucket", Integer, nullable=False),
    Column("n", Integer, nullable=False, default=0),
)

# The dashboard's direct reads that the rollup does not replace (migration 0013_analytics_rollup).
Index(
    "ix_appeals_in_work",
    appeals.c.created_at,
    postgresql_include=["agency_id", "municipality_id", "due_at", "clock_paused_at", "status"],
    postgresql_where=appeals.c.status.in_(IN_WORK),
    sqlite_where=appeals.c.status.in_(IN_WORK),
)
# The league's weekly trend: final answers given in the last four weeks, whatever their registration day.
Index("ix_appeals_resolved_at", appeals.c.resolved_at, postgresql_include=["agency_id", "due_at", "status"])
