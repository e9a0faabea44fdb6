"""Working-day deadlines: weekends, mainland public holidays and 调休 make-up days."""

from datetime import date

import pytest

from bot.rules.workdays import (
    add_calendar_days,
    add_working_days,
    holiday_calendar,
    is_working_day,
)


def test_friday_plus_one_working_day_is_monday():
    assert add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)


def test_national_day_holidays_are_skipped():
    assert add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)


def test_a_make_up_sunday_counts_as_a_working_day():
    assert is_working_day(date(2025, 9, 28))
    assert add_working_days(date(2025, 9, 26), 1) == date(2025, 9, 28)


def test_the_spring_festival_2026_is_skipped_after_its_make_up_saturday():
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert add_working_days(date(2026, 2, 14), 1) == date(2026, 2, 24)


def test_five_working_days_across_new_year_2026():
    # Dec 30, Dec 31, (Jan 1-3 off), Jan 4 make-up Sunday, Jan 5, Jan 6.
    assert add_working_days(date(2025, 12, 29), 5) == date(2026, 1, 6)


def test_ten_working_days_for_a_complaint_received_before_the_national_day():
    # Sep 28 (make-up Sunday), 29, 30, (Oct 1-8 off), Oct 9, 10, 11 (make-up Saturday),
    # 13, 14, 15, 16.
    assert add_working_days(date(2025, 9, 26), 10) == date(2025, 10, 16)


def test_zero_working_days_is_the_same_day_and_negative_days_are_refused():
    assert add_working_days(date(2026, 5, 20), 0) == date(2026, 5, 20)
    with pytest.raises(ValueError):
        add_working_days(date(2026, 5, 20), -1)


def test_the_legal_ten_days_are_calendar_days_even_over_a_holiday():
    assert add_calendar_days(date(2025, 9, 30), 10) == date(2025, 10, 10)


def test_outside_the_holiday_table_only_weekends_are_skipped():
    assert add_working_days(date(2029, 12, 31), 1) == date(2030, 1, 1)


def test_the_holiday_table_covers_2025_to_2027_and_is_consistent():
    calendar = holiday_calendar()
    assert calendar.years == {2025, 2026, 2027}
    assert not calendar.days_off & calendar.make_up_working_days
    assert all(day.weekday() >= 5 for day in calendar.make_up_working_days)
    assert all(day.year in calendar.years for day in calendar.days_off)
