"""Who the customer of a conversation has proved to be, and on which channel.

A conversation id is chosen by the client on REST and socket.io and is the
openid on WeChat, so the same id can arrive over another channel: a REST
caller sending a WeChat user's openid must not inherit that user's verified
session. Verification therefore holds only on the channel it was made on
(slot ``verified_channel``); elsewhere the customer proves it again. Photo
uploads (channel "photos") belong to the conversation's own channel.
"""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from bot.concepts.channels import PHOTO_CHANNEL

# Rasa's text of an intent triggered through its API (the console's hand-back):
# its channel is whatever the console named, not where the customer typed.
EXTERNAL_PREFIX = "EXTERNAL: "


def customer_channel(tracker: Tracker) -> str | None:
    """The channel of the customer's latest own message (photo uploads and intents
    triggered by the console skipped)."""
    for event in reversed(tracker.events):
        if event.get("event") != "user" or event.get("input_channel") == PHOTO_CHANNEL:
            continue
        if (event.get("text") or "").startswith(EXTERNAL_PREFIX):
            continue
        return event.get("input_channel")
    return None


def verified_customer_id(tracker: Tracker) -> int | None:
    """The verified customer, or None: nothing personal is said before identity."""
    value = tracker.get_slot("customer_id")
    if not tracker.get_slot("identity_verified") or value is None:
        return None
    if tracker.get_slot("verified_channel") != customer_channel(tracker):
        return None
    return int(value)


def verified_elsewhere(tracker: Tracker) -> bool:
    """Verified, but on another channel than the one the customer now uses."""
    return bool(tracker.get_slot("identity_verified")) and verified_customer_id(tracker) is None


def forget_identity_events() -> list[EventType]:
    return [
        SlotSet("identity_verified", False),
        SlotSet("customer_id", None),
        SlotSet("customer_name", None),
        SlotSet("verified_channel", None),
        SlotSet("identity_key", None),
        SlotSet("phone_tail", None),
    ]
