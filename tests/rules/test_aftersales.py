"""After-sales requests (保全, domain.md §7): what each kind needs, and the values told."""

import pytest

from bot.rules.aftersales import AftersalesKind, is_usable_address, mobile_number


def test_a_new_phone_or_address_must_be_told_a_policy_copy_needs_nothing():
    assert AftersalesKind.PHONE.needs_detail and AftersalesKind.ADDRESS.needs_detail
    assert not AftersalesKind.POLICY_COPY.needs_detail


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("13912345678", "13912345678"),
        ("新号码是 139 1234 5678", "13912345678"),
        ("139-1234-5678", "13912345678"),
        ("１３９１２３４５６７８", "13912345678"),
        ("0001", None),
        ("12912345678", None),  # no mobile number starts 12
        ("139123456789", None),  # twelve digits
    ],
)
def test_a_mobile_number_is_eleven_digits_starting_13_to_19(text, number):
    assert mobile_number(text) == number


@pytest.mark.parametrize(
    ("text", "usable"),
    [
        ("上海市浦东新区张江路100弄5号301室", True),
        ("北京朝阳区建国路8号", True),
        ("上海", False),
        ("123456789", False),
    ],
)
def test_an_address_is_long_enough_and_written_in_chinese(text, usable):
    assert is_usable_address(text) is usable
