"""What the soak samples of its processes each window: resident memory and CPU of the API and the workers (from
/proc), the CPU of this database's PostgreSQL backends, and the size of the database the latency grows with.

PostgreSQL runs one backend process per connection; the backends serving this bench's database are found by
`pg_stat_activity.datname` (other databases on the machine are other people's work) and read from /proc like the
rest. A backend is polled every second while it lives, so one that closes between polls loses at most its last
second; the API's and workers' pools keep theirs open for the run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

BENCH_APPLICATION = "otklik-soak-bench"  # application_name of the bench's own connections


def rss_mb(pids: list[int]) -> float:
    """Resident memory of the processes together (VmRSS from /proc)."""
    total_kb = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue
    return total_kb / 1024


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class BackendCpu:
    """CPU seconds used by this database's backends since the first poll; the bench's own connections (named
    `BENCH_APPLICATION`) are left out: they are the measurement, not the system."""

    engine: Engine
    _last: dict[int, float] = field(default_factory=dict)
    _base: dict[int, float] = field(default_factory=dict)

    def poll(self) -> None:
        first = not self._last  # the first poll is the zero; a backend that appears later counts from its start
        with self.engine.connect() as connection:
            pids = connection.execute(
                text(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name <> :bench"
                ),
                {"bench": BENCH_APPLICATION},
            ).scalars()
            for pid in pids:
                used = cpu_seconds(int(pid))
                if used > 0.0:
                    self._base.setdefault(int(pid), used if first else 0.0)
                    self._last[int(pid)] = used

    def total(self) -> float:
        return sum(self._last[pid] - self._base[pid] for pid in self._last)


def appeal_count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM appeals")).scalar_one())
