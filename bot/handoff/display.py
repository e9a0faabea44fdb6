"""What the agent console shows of a customer: masked identifiers, the transcript."""

from __future__ import annotations

import re
from typing import Any

AGENT_METADATA_KEY = "handoff_agent"  # set on the bot events that carry an agent's reply
# Channels a reply must not go to: the photo upload (bot.channels.photos) answers
# its own HTTP request only.
NOT_FOR_REPLIES = frozenset({"photos"})
_INTERNAL_INTENTS = {"handoff_returned", "handoff_closed"}


def mask_plate(plate: str | None) -> str | None:
    """沪A12345 → 沪A1***5: enough to tell cars apart, not to copy the plate."""
    if not plate:
        return plate
    if len(plate) <= 4:
        return plate[0] + "*" * (len(plate) - 1)
    return plate[:3] + "*" * (len(plate) - 4) + plate[-1]


def mask_phone(phone: str | None) -> str | None:
    if not phone:
        return phone
    digits = re.sub(r"\D", "", phone)
    return digits[:3] + "****" + digits[-4:] if len(digits) >= 8 else "*" * len(digits)


def transcript(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The conversation from a Rasa tracker's events: who said what, when.

    `who` is "customer", "bot" or "agent"; a photo upload shows as kind "photo".
    Texts are returned as data: the console renders them with textContent.
    """
    lines = []
    for event in events:
        kind = event.get("event")
        if kind == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            if intent in _INTERNAL_INTENTS or (event.get("text") or "").startswith("EXTERNAL:"):
                continue
            if intent == "photo_uploaded":
                lines.append(_line("customer", "", event, kind="photo"))
            else:
                lines.append(_line("customer", event.get("text") or "", event))
        elif kind == "bot" and event.get("text"):
            agent = (event.get("metadata") or {}).get(AGENT_METADATA_KEY)
            lines.append(_line("agent" if agent else "bot", event["text"], event, agent=agent))
    return lines


def _line(who: str, text: str, event: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"who": who, "text": text, "at": event.get("timestamp"), "kind": "text", **extra}


def output_channel(events: list[dict[str, Any]], skip: frozenset[str]) -> str | None:
    """The channel the customer last wrote on (photo uploads excluded): replies go there."""
    for event in reversed(events):
        channel = event.get("input_channel") if event.get("event") == "user" else None
        if channel and channel not in skip:
            return channel
    return None
