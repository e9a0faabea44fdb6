"""The handoff queue's rules: who is urgent, where a customer stands, how long they wait.
(Who goes first is the query repository.waiting_tickets: tests/db/test_repository.py.)"""

from decimal import Decimal

import pytest

from bot.handoff.queue import (
    expected_wait_minutes,
    position_in_queue,
    priority_for,
    reason_after_report,
    wants_to_stop_waiting,
)


def test_position_counts_from_one_for_the_next_customer():
    assert position_in_queue([3, 1, 2], 3) == 1
    assert position_in_queue([3, 1, 2], 2) == 3


def test_asking_the_position_of_a_ticket_not_waiting_is_an_error():
    with pytest.raises(ValueError):
        position_in_queue([1], 9)


def test_only_injury_is_urgent():
    assert priority_for("injury") == "urgent"
    for reason in (
        "customer_request",
        "not_understood",
        "large_loss",
        "complaint",
        "identity_locked",
    ):
        assert priority_for(reason) == "normal"
    with pytest.raises(ValueError):
        priority_for("bored")


@pytest.mark.parametrize(
    ("position", "agents", "minutes"),
    [
        (1, 1, 5),
        (2, 1, 10),
        (2, 2, 5),
        (3, 2, 10),
        (1, 0, 5),
    ],
)
def test_expected_wait_is_rounds_of_service_before_the_customer(position, agents, minutes):
    assert expected_wait_minutes(position, agents, minutes_per_customer=5) == minutes


@pytest.mark.parametrize(
    "text", ["取消", "不用了", "不等了", "算了吧", "不用了，谢谢", "不需要了。"]
)
def test_a_waiting_customer_stops_waiting_with_a_short_no(text):
    assert wants_to_stop_waiting("inform", text)


def test_the_nlus_cancel_also_stops_the_wait():
    assert wants_to_stop_waiting("cancel", "我不想排队了")


@pytest.mark.parametrize(
    "text", ["我的车还能开吗", "取消报案以后还能再报吗", "不用了的话保费会涨吗"]
)
def test_other_messages_while_waiting_go_to_the_agent(text):
    assert not wants_to_stop_waiting("faq", text)


LIMIT = Decimal("50000")


def test_an_injury_report_goes_to_a_person():
    assert reason_after_report("injury_path", Decimal("1000"), LIMIT, False) == "injury"


def test_a_large_loss_without_the_expert_team_goes_to_a_person():
    assert reason_after_report("wait_for_surveyor", Decimal("80000"), LIMIT, False) == "large_loss"


def test_a_large_loss_with_the_expert_team_keeps_that_path():
    assert reason_after_report("wait_for_surveyor", Decimal("80000"), LIMIT, True) is None


def test_a_small_loss_without_injury_stays_with_the_bot():
    assert reason_after_report("wait_for_surveyor", Decimal("3000"), LIMIT, False) is None
