"""Identity check: plate or policy number plus the last four phone digits; three strikes lock."""

import pytest

from bot.rules.identity import (
    MAX_FAILED_ATTEMPTS,
    IdentifierKind,
    normalise_plate,
    parse_identifier,
    phone_last4_matches,
    record_attempt,
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


def test_a_correct_answer_verifies_the_customer():
    result = record_attempt(failures_so_far=1, matched=True)
    assert result.verified and not result.locked


def test_three_failed_attempts_lock_the_identity_check():
    failures = 0
    for _ in range(MAX_FAILED_ATTEMPTS):
        result = record_attempt(failures, matched=False)
        failures = result.failures
    assert result.locked and result.attempts_left == 0
    assert MAX_FAILED_ATTEMPTS == 3


def test_once_locked_even_the_correct_answer_is_refused():
    result = record_attempt(failures_so_far=3, matched=True)
    assert not result.verified and result.locked


def test_a_failed_attempt_says_how_many_are_left():
    assert record_attempt(failures_so_far=0, matched=False).attempts_left == 2
