"""A verified identity holds on the channel it was proved on (bot/actions/verified.py)."""

from rasa_sdk import Tracker

from bot.actions.verified import customer_channel, verified_customer_id, verified_elsewhere

VERIFIED_ON_REST = {"identity_verified": True, "customer_id": 3, "verified_channel": "rest"}


def tracker(slots: dict, *messages: tuple[str, str]) -> Tracker:
    """A conversation whose user messages came as (text, input channel), in order."""
    events = [
        {"event": "user", "text": text, "input_channel": channel} for text, channel in messages
    ]
    return Tracker("x1", slots, {}, events, False, None, {}, "action_listen")


def test_the_customer_is_verified_on_the_channel_of_the_proof():
    conversation = tracker(VERIFIED_ON_REST, ("我的保单保什么", "rest"))
    assert verified_customer_id(conversation) == 3
    assert not verified_elsewhere(conversation)


def test_the_same_conversation_id_over_another_channel_is_not_verified():
    conversation = tracker(VERIFIED_ON_REST, ("我的保单保什么", "rest"), ("保单呢", "socketio"))
    assert verified_customer_id(conversation) is None
    assert verified_elsewhere(conversation)


def test_photos_and_the_consoles_hand_back_keep_the_customers_channel():
    conversation = tracker(
        VERIFIED_ON_REST,
        ("0001", "rest"),
        ("/photo_uploaded", "photos"),
        ("EXTERNAL: handoff_returned", "collector"),
    )
    assert customer_channel(conversation) == "rest"
    assert verified_customer_id(conversation) == 3


def test_nobody_is_verified_without_the_proof():
    assert verified_customer_id(tracker({}, ("你好", "rest"))) is None
    unproved = {"identity_verified": False, "customer_id": 3, "verified_channel": "rest"}
    assert verified_customer_id(tracker(unproved, ("你好", "rest"))) is None
