"""Office hours of the human agents, e.g. "09:00-21:00" in the bot's time zone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class OfficeHours:
    """Minutes after local midnight; `closes` may be 24*60 ("24:00") or before `opens` (overnight)."""

    opens: int
    closes: int

    def is_open(self, moment: datetime, tz: ZoneInfo) -> bool:
        if moment.tzinfo is None:
            raise ValueError("naive datetime: pass a timezone-aware value")
        local = moment.astimezone(tz)
        minute = local.hour * 60 + local.minute
        if self.opens == self.closes:
            return True  # "00:00-24:00" style: always open
        if self.opens < self.closes:
            return self.opens <= minute < self.closes
        return minute >= self.opens or minute < self.closes  # overnight shift

    def __str__(self) -> str:
        if self.opens == self.closes:
            return "00:00-24:00"
        return f"{_clock(self.opens)}-{_clock(self.closes)}"


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_office_hours(text: str) -> OfficeHours:
    """ "09:00-21:00" → OfficeHours; a malformed value is a configuration error."""
    match = _RANGE.match(text or "")
    if not match:
        raise ValueError(f"office hours must look like 09:00-21:00, not {text!r}")
    opens_h, opens_m, closes_h, closes_m = (int(part) for part in match.groups())
    opens, closes = opens_h * 60 + opens_m, closes_h * 60 + closes_m
    if opens_m > 59 or closes_m > 59 or opens >= 24 * 60 or closes > 24 * 60:
        raise ValueError(f"not a time of day in {text!r}")
    if closes == 24 * 60 and opens == 0:
        closes = 0  # the whole day
    return OfficeHours(opens, closes)
