"""Working-day arithmetic for service promises (domain.md §3, §6, §7, §10).

The service promises (10, 5 and 1 working days) skip weekends and mainland
public holidays and count 调休 make-up Saturdays/Sundays as working days; the
calendar comes from `cn_holidays.json` beside this file. Outside the years it
lists only weekends are skipped. The legal 10 days of 保险法 第23条 are
calendar days: `add_calendar_days`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

CALENDAR_FILE = Path(__file__).with_name("cn_holidays.json")


@dataclass(frozen=True)
class HolidayCalendar:
    days_off: frozenset[date]
    make_up_working_days: frozenset[date]
    years: frozenset[int]


def _date_range(first: date, last: date) -> list[date]:
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


@cache
def holiday_calendar() -> HolidayCalendar:
    data = json.loads(CALENDAR_FILE.read_text(encoding="utf-8"))["years"]
    days_off: set[date] = set()
    make_up: set[date] = set()
    for year in data.values():
        for first, last, _name in year["days_off"]:
            days_off.update(_date_range(date.fromisoformat(first), date.fromisoformat(last)))
        make_up.update(date.fromisoformat(day) for day in year["make_up_working_days"])
    return HolidayCalendar(frozenset(days_off), frozenset(make_up), frozenset(map(int, data)))


def is_working_day(day: date) -> bool:
    calendar = holiday_calendar()
    if day in calendar.make_up_working_days:
        return True
    return day.weekday() < 5 and day not in calendar.days_off


def add_working_days(start: date, days: int) -> date:
    """The `days`-th working day after `start` (the start day itself never counts)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    remaining = days
    while remaining:
        day += timedelta(days=1)
        remaining -= is_working_day(day)
    return day


def add_calendar_days(start: date, days: int) -> date:
    """Calendar-day deadlines such as the legal 10 days of 保险法 第23条."""
    return start + timedelta(days=days)
