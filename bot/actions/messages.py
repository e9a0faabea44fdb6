"""Reading the latest customer message off the tracker."""

from typing import Any

from rasa_sdk import Tracker

from bot.dialogue.report_facts import CustomerMessage


def entity_value(tracker: Tracker, name: str) -> Any:
    """The last value our extractors found for `name` in the latest message."""
    values = [
        e.get("value")
        for e in tracker.latest_message.get("entities", [])
        if e.get("entity") == name
    ]
    return values[-1] if values else None


def customer_message(tracker: Tracker) -> CustomerMessage:
    message = tracker.latest_message
    return CustomerMessage(
        text=message.get("text") or "",
        intent=(message.get("intent") or {}).get("name"),
        entities=message.get("entities") or [],
        words=_as_typed(tracker),
    )


def _as_typed(tracker: Tracker) -> str:
    """The latest message as the customer typed it: the user event keeps the
    original text, the parse data the NLU's normalised one."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return event.get("text") or ""
    return ""
