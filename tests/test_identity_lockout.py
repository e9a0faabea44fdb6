"""The identity lock holds across conversations: new sender ids bring no new guesses.

Against the real Rasa and action servers over REST, on the shared demo database;
the failures these tests cause are forgotten afterwards (`no_failed_attempts`),
so the other conversation tests find 张伟's policy unlocked.
"""

from pathlib import Path

import pytest
import yaml

from tests.conftest import Customer

pytestmark = pytest.mark.servers

ROOT = Path(__file__).resolve().parent.parent
RESPONSES = {
    name: [v["text"] for v in variations]
    for name, variations in yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))[
        "responses"
    ].items()
}
LOCKED = RESPONSES["utter_identity_locked"][0]
VERIFIED = RESPONSES["utter_identity_verified"][0].split("{")[0]


def failed(attempts_left: int) -> str:
    return RESPONSES["utter_identity_failed"][0].format(attempts_left=attempts_left)


def tries(customer: Customer, request: str, answers: list[tuple[str, str]]) -> list[list[str]]:
    """Asks for something that needs identity, then gives (plate, digits) pairs; the
    bot's replies to each pair's digits."""
    customer.say(request)
    replies = []
    for plate, digits in answers:
        customer.say(plate)
        replies.append(customer.say(digits))
    return replies


def test_five_wrong_tails_over_two_conversations_lock_the_policy_for_a_third(
    bot_stack, no_failed_attempts
):
    first, second, third = Customer(bot_stack), Customer(bot_stack), Customer(bot_stack)
    replies = tries(first, "我要报案", [("沪A12345", d) for d in ("1111", "2222", "3333")])
    assert failed(2) in replies[0] and failed(1) in replies[1], first
    assert LOCKED in replies[2], first

    # A new conversation has two guesses left on this policy, not three; it is told
    # only its own count (the earlier failures are someone else's business).
    replies = tries(second, "查一下我的理赔进度", [("沪A12345", d) for d in ("4444", "5555")])
    assert failed(2) in replies[0], second
    assert LOCKED in replies[1], second

    # The right digits in a third conversation are refused, and nothing personal is said.
    (replies,) = tries(third, "我的保单保什么", [("沪A12345", "0001")])
    assert LOCKED in replies, third
    assert not [r for r in replies if VERIFIED in r or "张伟" in r], third
    assert not [r for r in replies if "没太明白" in r], third


def test_a_locked_policy_leaves_another_policy_alone(bot_stack, no_failed_attempts):
    for _ in range(2):
        tries(Customer(bot_stack), "我要报案", [("沪A12345", "9999")] * 3)
    other = Customer(bot_stack)
    (replies,) = tries(other, "我的保单保什么", [("粤B67890", "0002")])
    assert replies[0] == RESPONSES["utter_identity_verified"][0].format(customer_name="李娜")


def test_an_unknown_plate_gets_the_same_answer_as_a_wrong_tail(bot_stack, no_failed_attempts):
    (unknown,) = tries(Customer(bot_stack), "我的保单保什么", [("沪A99999", "0001")])
    (wrong,) = tries(Customer(bot_stack), "我的保单保什么", [("京C24680", "9999")])
    assert unknown == wrong
    assert unknown[0] == failed(2)
