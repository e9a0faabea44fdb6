"""Office hours: agents take live chats only within them (BOT_TIMEZONE, Asia/Shanghai)."""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.handoff.hours import parse_office_hours

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 22, hour, minute, tzinfo=SHANGHAI)


def test_nine_to_nine_is_open_from_nine_until_just_before_nine_in_the_evening():
    hours = parse_office_hours("09:00-21:00")
    assert not hours.is_open(at(8, 59), SHANGHAI)
    assert hours.is_open(at(9, 0), SHANGHAI)
    assert hours.is_open(at(20, 59), SHANGHAI)
    assert not hours.is_open(at(21, 0), SHANGHAI)


def test_the_hours_are_shanghai_time_whatever_the_servers_clock_zone():
    hours = parse_office_hours("09:00-21:00")
    # 02:00 UTC is 10:00 in Shanghai.
    assert hours.is_open(datetime(2026, 11, 22, 2, 0, tzinfo=timezone.utc), SHANGHAI)
    assert not hours.is_open(datetime(2026, 11, 22, 14, 0, tzinfo=timezone.utc), SHANGHAI)


def test_a_night_shift_wraps_around_midnight():
    hours = parse_office_hours("21:00-09:00")
    assert hours.is_open(at(23), SHANGHAI) and hours.is_open(at(3), SHANGHAI)
    assert not hours.is_open(at(12), SHANGHAI)


def test_the_whole_day():
    hours = parse_office_hours("00:00-24:00")
    assert all(hours.is_open(at(hour), SHANGHAI) for hour in range(24))
    assert str(hours) == "00:00-24:00"


def test_the_hours_print_as_configured():
    assert str(parse_office_hours("9:00-21:30")) == "09:00-21:30"


@pytest.mark.parametrize("text", ["", "nine to five", "09:00", "25:00-26:00", "09:70-10:00"])
def test_malformed_hours_are_a_configuration_error(text):
    with pytest.raises(ValueError):
        parse_office_hours(text)


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError):
        parse_office_hours("09:00-21:00").is_open(datetime(2026, 11, 22, 10), SHANGHAI)
