"""The soak's reply stream: an operator answering appeals with interim replies through the staff API, and the
account of every reply the API refused — by HTTP status, reason and the appeal's status at that moment.

A refusal is *expected* when the rules forbid the reply (docs/processes.md, «Soak»): an interim reply is taken only
by an appeal that is someone's work — assigned, in progress or already answered (roles.md: «take into work, interim
answer»; the moderation queue comes first, docs/moderation.md). Anything else the API refuses — a 5xx, a 429, a 403
for an admin, a 409 on an appeal in one of those statuses, a transport error — is *unexpected*: a product fault to
diagnose. The statuses below are this bench's reading of those pages, not the product's own table.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

REPLY_TEXT = "Ваше обращение взято в работу, специалист выезжает на место."
# The statuses in which an appeal takes an interim reply (roles.md, docs/moderation.md).
TAKES_INTERIM_REPLY = frozenset({"assigned", "in_progress", "answered"})
Candidates = Callable[["ReplyStream"], list[int]]  # the appeals to answer next, newest first
PAGE = 50  # appeals an operator sees on one page of their queue


@dataclass(frozen=True)
class Refusal:
    http_status: int  # 0: no answer (transport error)
    reason: str  # the problem's detail with the appeal's own numbers taken out, so that alike refusals group
    appeal_status: str  # the appeal's status read right after the refusal ("?" when it could not be read)
    expected: bool


def reason_of(response: httpx.Response) -> str:
    """The problem detail's first clause with numbers and appeal numbers replaced: one line per kind of refusal."""
    try:
        body = response.json()
        detail = str(body.get("detail", body)) if isinstance(body, dict) else str(body)
    except ValueError:
        detail = response.text
    first = detail.split(";")[0]
    return re.sub(r"\d+", "N", first)[:120]


def is_expected(http_status: int, appeal_status: str) -> bool:
    """The rules forbid this reply: the appeal is not (or no longer) in a status that takes one."""
    return http_status == 409 and appeal_status not in TAKES_INTERIM_REPLY


@dataclass
class ReplyStream:
    """At most `rate` replies a second, to the appeals `candidates` names (bounded by the run's stop event)."""

    http: httpx.Client
    token: str
    rate: float
    candidates: Candidates
    replied: set[int] = field(default_factory=set)
    sent: int = 0
    refusals: list[Refusal] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def run(self, stop: threading.Event) -> None:
        while not stop.wait(1.0):
            fresh = [i for i in self.candidates(self) if i not in self.replied]
            for appeal_id in fresh[: max(1, int(self.rate))]:
                self.replied.add(appeal_id)
                self._reply(appeal_id)

    def _reply(self, appeal_id: int) -> None:
        try:
            response = self.http.post(
                f"/api/v1/appeals/{appeal_id}/replies",
                json={"kind": "interim", "text": REPLY_TEXT},
                headers=self.headers,
            )
        except httpx.TransportError as error:
            self._refused(Refusal(0, type(error).__name__, self._status_of(appeal_id), expected=False))
            return
        if response.status_code in (200, 201):
            with self._lock:
                self.sent += 1
            return
        appeal_status = self._status_of(appeal_id)
        expected = is_expected(response.status_code, appeal_status)
        self._refused(Refusal(response.status_code, reason_of(response), appeal_status, expected))

    def _refused(self, refusal: Refusal) -> None:
        with self._lock:
            self.refusals.append(refusal)

    def _status_of(self, appeal_id: int) -> str:
        try:
            response = self.http.get(f"/api/v1/appeals/{appeal_id}", headers=self.headers)
        except httpx.TransportError:
            return "?"
        return str(response.json().get("status", "?")) if response.status_code == 200 else "?"

    def counts(self) -> tuple[int, int]:
        """(expected, unexpected) refusals so far."""
        with self._lock:
            expected = sum(r.expected for r in self.refusals)
            return expected, len(self.refusals) - expected

    def breakdown(self) -> Counter[Refusal]:
        with self._lock:
            return Counter(self.refusals)


def assigned_queue(stream: ReplyStream) -> list[int]:
    """What an operator does: open their queue of appeals assigned and not yet answered (newest first, one page)
    through the API, and answer from it."""
    try:
        response = stream.http.get(
            "/api/v1/appeals", params={"status": "assigned", "per_page": PAGE}, headers=stream.headers
        )
    except httpx.TransportError:
        return []
    if response.status_code != 200:
        return []
    return [int(item["id"]) for item in response.json()["items"]]


def print_breakdown(stream: ReplyStream, prefix: str) -> None:
    """`name: value unit` lines for the totals, then a table of every kind of refusal."""
    expected, unexpected = stream.counts()
    print(f"{prefix}_replies_sent: {stream.sent} count")
    print(f"{prefix}_replies_refused_expected: {expected} count")
    print(f"{prefix}_replies_refused_unexpected: {unexpected} count")
    rows = stream.breakdown().most_common()
    if not rows:
        return
    print(f"{'count':>6}  {'http':>4}  {'expected':<8}  {'appeal status':<16}  reason")
    for refusal, count in rows:
        mark = "yes" if refusal.expected else "NO"
        print(f"{count:>6}  {refusal.http_status:>4}  {mark:<8}  {refusal.appeal_status:<16}  {refusal.reason}")
