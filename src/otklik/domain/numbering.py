"""Appeal numbers people can say on the phone: region-year-sequence, e.g. 44-2026-000123."""

from __future__ import annotations

import re
from dataclasses import dataclass

_PATTERN = re.compile(r"^(\d{2})-(\d{4})-(\d{6,})$")


@dataclass(frozen=True, order=True)
class AppealNumber:
    region: int
    year: int
    sequence: int

    def __str__(self) -> str:
        return f"{self.region:02d}-{self.year:04d}-{self.sequence:06d}"

    @classmethod
    def parse(cls, text: str) -> AppealNumber:
        match = _PATTERN.match(text.strip())
        if not match:
            raise ValueError(f"not an appeal number: {text!r} (expected like 44-2026-000123)")
        return cls(int(match[1]), int(match[2]), int(match[3]))
