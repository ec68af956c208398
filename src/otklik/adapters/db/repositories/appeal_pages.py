"""Pages of the appeal list at any depth: the opaque cursor of keyset paging and the capped count.

A cursor names where the previous page stopped, never what it filtered: the next request repeats the filters,
and the scope is applied again on every page. Two kinds (docs/reads-at-scale.md):
- `after`: the last appeal of the page in the list's date order (created_at desc, id desc), so the next page is
  `(created_at, id) < (that appeal's)` — an index range scan, as fast at page 10,000 as at page 1;
- `offset`: the ranked order of a word search (relevance is not a stored column), bounded by `MAX_RANKED_DEPTH`.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from otklik.domain.appeal import Appeal
from otklik.domain.errors import InvalidInput

# A list's total is counted exactly up to this many appeals; beyond it the page says «more than» (total_capped).
COUNT_CAP = 10_000
# A word search ranked by relevance is paged by offset, down to this many hits; `sort=date` walks further.
MAX_RANKED_DEPTH = 2_000
# A word search's total is exact up to this many hits. A common word is in a quarter of the appeals: counting
# COUNT_CAP of its hits reads some 40,000 rows (each one checked against the words), the cost of the whole page
# five times over; its ranking looks at no more hits than this anyway (docs/reads-at-scale.md).
SEARCH_COUNT_CAP = 2_000
MAX_ID = 2**31 - 1
_VERSION = 1
_MAX_CURSOR_LENGTH = 200


@dataclass(frozen=True)
class AfterCursor:
    created_at: datetime
    id: int


@dataclass(frozen=True)
class OffsetCursor:
    offset: int


Cursor = AfterCursor | OffsetCursor


@dataclass(frozen=True)
class AppealPage:
    """One page of a list: `total` exact unless `total_capped` (then there are more than COUNT_CAP);
    `next_cursor` None on the last page (or at the end of a ranked search's bounded depth)."""

    items: list[Appeal]
    total: int
    total_capped: bool
    next_cursor: str | None


def encode(cursor: Cursor) -> str:
    body: dict[str, Any]
    if isinstance(cursor, AfterCursor):
        body = {"v": _VERSION, "t": cursor.created_at.isoformat(), "i": cursor.id}
    else:
        body = {"v": _VERSION, "o": cursor.offset}
    raw = json.dumps(body, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(text: str) -> Cursor:
    """The cursor a previous page returned; anything else is refused with the reason (422)."""
    if len(text) > _MAX_CURSOR_LENGTH:
        raise InvalidInput(f"cursor is {len(text)} characters long; a cursor from next_cursor is shorter")
    try:
        body = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidInput("cursor is not one this list returned as next_cursor") from None
    if not isinstance(body, dict) or body.get("v") != _VERSION:
        raise InvalidInput("cursor is not one this list returned as next_cursor")
    if set(body) == {"v", "o"}:
        return OffsetCursor(_offset(body["o"]))
    if set(body) == {"v", "t", "i"}:
        return AfterCursor(_moment(body["t"]), _row_id(body["i"]))
    raise InvalidInput("cursor is not one this list returned as next_cursor")


def _offset(value: object) -> int:
    if type(value) is not int or not 0 < value <= MAX_RANKED_DEPTH:
        raise InvalidInput(f"cursor offset must be within the ranked search's depth of {MAX_RANKED_DEPTH}")
    return value


def _row_id(value: object) -> int:
    if type(value) is not int or not 1 <= value <= MAX_ID:
        raise InvalidInput("cursor names no appeal id")
    return value


def _moment(value: object) -> datetime:
    if not isinstance(value, str):
        raise InvalidInput("cursor names no moment")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput("cursor names no moment") from None
    if moment.tzinfo is None:
        raise InvalidInput("cursor's moment has no time zone")
    return moment
