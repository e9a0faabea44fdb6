"""Identity check: plate or policy number plus the last four phone digits."""

import pytest

from bot.concepts.identifiers import normalise_plate
from bot.rules.identity import (
    IdentifierKind,
    identifier_in,
    parse_identifier,
    phone_last4_matches,
    phone_tail_in,
)


@pytest.mark.parametrize(
    "typed",
    ["沪A12345", "沪a12345", " 沪A 12345 ", "沪A-12345", "滬A12345", "沪Ａ１２３４５", "沪A·12345"],
)
def test_a_plate_is_recognised_whatever_its_case_spacing_or_script(typed):
    assert normalise_plate(typed) == "沪A12345"
    assert parse_identifier(typed).kind is IdentifierKind.PLATE


def test_a_new_energy_plate_of_eight_characters_is_recognised():
    assert parse_identifier("沪AD12345").value == "沪AD12345"


def test_a_policy_number_is_recognised_in_lower_case_with_spaces():
    parsed = parse_identifier("pdaa 2026 3100 0000 0001")
    assert parsed.kind is IdentifierKind.POLICY_NUMBER
    assert parsed.value == "PDAA2026310000000001"


@pytest.mark.parametrize("typed", ["", "你好", "12345", "沪A123", "XXA12345", "PDAA123"])
def test_anything_else_is_neither_a_plate_nor_a_policy_number(typed):
    assert parse_identifier(typed) is None


@pytest.mark.parametrize("given", ["0001", " 0001", "０００１", "尾号0001"])
def test_the_last_four_phone_digits_match(given):
    assert phone_last4_matches("13800000001", given)


@pytest.mark.parametrize("given", ["0002", "001", "00001", "13800000001", ""])
def test_anything_but_exactly_the_last_four_digits_fails(given):
    assert not phone_last4_matches("13800000001", given)


def test_a_plate_or_policy_number_typed_loosely_is_found_in_the_reply():
    assert identifier_in("我的保单 PDAA-2026-3100-0000-0001").value == "PDAA2026310000000001"
    assert identifier_in("浙a 13579 这个").value == "浙A13579"


def test_a_province_typed_as_another_character_of_the_same_sound_is_that_province():
    assert identifier_in("呼A12345") is None  # hū is not 沪's hù: no guess
    assert identifier_in("户A12345").value == "沪A12345"
    assert identifier_in("桂A12345").value == "桂A12345"  # a province stays itself


def test_a_phone_tail_in_chinese_digits_spaced_out_or_as_the_whole_number():
    assert phone_tail_in("零零零七") == "0007"
    assert phone_tail_in("尾号是 0 0 0 7 哈") == "0007"
    assert phone_tail_in("138 0000 0007") == "0007"
    assert phone_tail_in("0001还是0007记不清了") is None  # two candidates: ask again
