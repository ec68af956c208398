"""The field types every API schema uses, and the table of input limits (docs/limits.md lists it for callers).

Bodies are checked as a whole in `otklik.web.limits` (size, NUL, lone surrogates, depth); these types say in
the OpenAPI what a field accepts, so a request the schema allows is a request the code takes."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import Path
from pydantic import AfterValidator, Field, Strict

from otklik.domain.message import MAX_TEXT_LENGTH

# --- the table of limits -----------------------------------------------------------------------------------
MAX_ROW_ID = 2**31 - 1  # ids are `integer` columns on PostgreSQL
MAX_NAME_LENGTH = 300  # a person's name
MAX_ADDRESS_LENGTH = 500
MAX_EXTERNAL_ID_LENGTH = 200  # a channel's id of a message
MAX_COMMENT_LENGTH = 2000  # reasons, comments
MAX_CODE_LENGTH = 100  # ids of reference rows: agency, group, topic, municipality, status
MAX_CONTEXT_KEYS = 50  # a message's channel context
MAX_CONTEXT_BYTES = 16 * 1024  # … as JSON
MAX_CONTEXT_DEPTH = 5  # … nesting of objects and lists
MAX_JSON_DEPTH = 32  # any JSON body
EARLIEST_TIME = datetime(2000, 1, 1, tzinfo=UTC)  # a message's time: from here …
LATEST_AHEAD = timedelta(days=1)  # … to now + a day (clocks of gateways drift, but not by more)

__all__ = ["MAX_TEXT_LENGTH"]


# NUL: PostgreSQL text cannot hold it. A lone surrogate is not a character: UTF-8 cannot encode it (jsonb refuses it).
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable_reason(text: str) -> str | None:
    """Why a string cannot be stored, or None when it can."""
    found = UNSTORABLE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "contains a NUL character (\\u0000), which cannot be stored"
    return f"contains a lone surrogate (\\u{ord(found.group()):04x}), which is not a Unicode character"


def _storable(value: str) -> str:
    reason = unstorable_reason(value)
    if reason:
        raise ValueError(reason)
    return value


# --- types ------------------------------------------------------------------------------------------------
def _within_time_range(value: datetime) -> datetime:
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    try:
        moment = aware.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+14:00 is before year 1 in UTC
        raise ValueError(_time_range_reason()) from None
    if not EARLIEST_TIME <= moment <= datetime.now(UTC) + LATEST_AHEAD:
        raise ValueError(_time_range_reason())
    return value


def _time_range_reason() -> str:
    return f"the time must lie between {EARLIEST_TIME:%Y-%m-%d} and now + {LATEST_AHEAD.days} day"


def _context_within_limits(value: dict[str, Any]) -> dict[str, Any]:
    if len(value) > MAX_CONTEXT_KEYS:
        raise ValueError(f"at most {MAX_CONTEXT_KEYS} keys, got {len(value)}")
    if _depth(value) > MAX_CONTEXT_DEPTH:
        raise ValueError(f"nested at most {MAX_CONTEXT_DEPTH} levels deep")
    size = len(json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    if size > MAX_CONTEXT_BYTES:
        raise ValueError(f"at most {MAX_CONTEXT_BYTES} bytes as JSON, got {size}")
    return value


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


# Text that both databases can store: multipart form fields are not seen by the request guard, these are.
StorableText = Annotated[str, AfterValidator(_storable)]
MessageTime = Annotated[
    datetime,
    AfterValidator(_within_time_range),
    Field(description="with a time zone; between 2000-01-01 and now + 1 day"),
]
RowId = Annotated[int, Strict(), Field(ge=1, le=MAX_ROW_ID)]  # a JSON integer, not 5.0 or "5"
Count = Annotated[int, Strict()]
Coordinate = Annotated[float, Field(allow_inf_nan=False)]
Code = Annotated[str, Field(min_length=1, max_length=MAX_CODE_LENGTH)]
Comment = Annotated[str, Field(max_length=MAX_COMMENT_LENGTH)]
ChannelContext = Annotated[
    dict[str, Any],
    AfterValidator(_context_within_limits),
    Field(
        description=f"the channel's context: community, thread; at most {MAX_CONTEXT_KEYS} keys, "
        f"{MAX_CONTEXT_BYTES} bytes as JSON, {MAX_CONTEXT_DEPTH} levels deep",
        max_length=MAX_CONTEXT_KEYS,
    ),
]
# An id in the path: beyond the column's range it is a 404, like any id that names no row (web/problems.py).
RowIdPath = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("text is empty or only spaces")
    return value


# Something besides spaces (and storable, see StorableText); the schema says so with a pattern
# (`\S`: a character that is not a space).
NonBlank = Annotated[
    str, AfterValidator(_storable), AfterValidator(_not_blank), Field(json_schema_extra={"pattern": r"\S"})
]
