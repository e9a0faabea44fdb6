"""Claim statuses (domain.md §3): the legal transitions and what each means for the customer."""

import pytest

from bot.rules import status


def test_every_status_has_a_chinese_description_and_a_transition_entry():
    assert set(status.DESCRIPTIONS) == set(status.ALL_STATUSES) == set(status.TRANSITIONS)


def test_a_claim_can_go_from_reported_to_closed_step_by_step():
    path = [
        status.REPORTED,
        status.SURVEYING,
        status.AWAITING_DOCUMENTS,
        status.UNDER_REVIEW,
        status.PAID,
        status.CLOSED,
    ]
    for current, new in zip(path, path[1:], strict=False):
        status.check_transition(current, new)


@pytest.mark.parametrize("current", [status.REPORTED, status.SURVEYING, status.AWAITING_DOCUMENTS])
def test_a_report_can_be_withdrawn_before_the_review(current):
    assert status.can_transition(current, status.WITHDRAWN)


def test_a_claim_under_review_can_no_longer_be_withdrawn():
    assert not status.can_transition(status.UNDER_REVIEW, status.WITHDRAWN)


@pytest.mark.parametrize("final", [status.CLOSED, status.WITHDRAWN, status.DECLINED])
def test_closed_withdrawn_and_declined_are_final(final):
    assert status.is_final(final)
    with pytest.raises(status.IllegalTransition):
        status.check_transition(final, status.REPORTED)


def test_a_claim_cannot_be_paid_before_it_is_reviewed():
    with pytest.raises(status.IllegalTransition):
        status.check_transition(status.REPORTED, status.PAID)


def test_a_withdrawn_report_is_the_only_one_that_does_not_count_as_a_claim():
    assert set(status.ALL_STATUSES) - status.COUNTS_AS_CLAIM == {status.WITHDRAWN}
