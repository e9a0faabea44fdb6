"""What a WeChat message means for the conversation, and how the bot's answers look there.

No Rasa import: the channel (``wechat.py``) parses the XML with wechatpy and
asks here what to do with the message — hand a text to the bot, store a
photo, or answer by itself with one of the domain's responses.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from wechatpy.events import BaseEvent
from wechatpy.messages import BaseMessage

from bot.texts import response_text

# WeChat's customer-service API takes at most 2048 bytes of text per message.
MAX_TEXT_BYTES = 2000
MAX_LABEL_CHARS = 120
SUBSCRIBE_EVENTS = {"subscribe", "subscribe_scan"}
# Nobody can be answered after unfollowing.
SILENT_EVENTS = {"unsubscribe"}
CHOICE = re.compile(r"^\s*(\d{1,2})\s*[.。、]?\s*$")
VALUED_OPTION = re.compile(r"^\s*(\d{1,2})\s*(?:分|星)?\s*$")  # an option that is a number
# WeChat signs every request with its time. One signed further than this from our
# clock is refused: a captured request cannot be replayed later.
SIGNATURE_WINDOW = timedelta(minutes=5)
# A request is accepted up to the window before and after its timestamp, so a replay
# arrives at most two windows after the first delivery; its key is kept longer.
MESSAGE_MEMORY = 2 * SIGNATURE_WINDOW + timedelta(minutes=5)


@dataclass(frozen=True)
class ToBot:
    """Text the conversation hears, as if the customer had typed it.

    `typed`: the customer's own words (checked by bot/channels/guard.py); a shared
    location is a message the channel writes itself, in Rasa's intent syntax.
    """

    text: str
    typed: bool = True


@dataclass(frozen=True)
class PhotoToStore:
    media_id: str


@dataclass(frozen=True)
class ChannelReply:
    """The channel answers by itself with a domain response; the bot hears nothing."""

    response: str


Inbound = ToBot | PhotoToStore | ChannelReply | None


def signed_recently(timestamp: str | None, now: float) -> bool:
    """Whether a signature's timestamp (Unix seconds) is within the window of `now`."""
    try:
        signed_at = int(timestamp or "")
    except ValueError:
        return False
    return abs(now - signed_at) <= SIGNATURE_WINDOW.total_seconds()


def message_key(message: BaseMessage) -> str:
    """The key that makes WeChat's retries of one message recognisable."""
    if isinstance(message, BaseEvent) or not message.id:
        return f"event:{message.source}:{message.time}"
    return f"msg:{message.id}"


def inbound(message: BaseMessage) -> Inbound:
    """What to do with a message WeChat delivered."""
    if isinstance(message, BaseEvent):
        if message.event in SUBSCRIBE_EVENTS:
            return ChannelReply("utter_wechat_welcome")
        return None if message.event in SILENT_EVENTS else ChannelReply("utter_wechat_unsupported")
    if message.type == "text":
        return ToBot(message.content or "")
    if message.type == "image":
        return PhotoToStore(message.media_id)
    if message.type == "voice":
        recognised = (message.recognition or "").strip()
        return (
            ToBot(recognised) if recognised else ChannelReply("utter_wechat_voice_not_recognised")
        )
    if message.type == "location":
        return ToBot(
            location_message(message.label, message.location_x, message.location_y), typed=False
        )
    return ChannelReply("utter_wechat_unsupported")


def location_text(label: str | None, latitude: str, longitude: str) -> str:
    """The accident place as the report stores it: WeChat's label and the coordinates."""
    place = " ".join((label or "").split())[:MAX_LABEL_CHARS]
    place = place or response_text("utter_wechat_location_no_label")
    return response_text(
        "utter_wechat_location_text", label=place, latitude=latitude, longitude=longitude
    )


def location_message(label: str | None, latitude: str, longitude: str) -> str:
    """A shared location as a message that names the place (Rasa's "/intent{entities}" form).

    The JSON is ASCII-escaped so that the NLU's normalisation of the text
    (full-width → half-width) cannot touch the place inside it.
    """
    entities = {"location": location_text(label, latitude, longitude)}
    return "/inform" + json.dumps(entities, ensure_ascii=True)


def numbered_options(text: str, buttons: list[dict[str, Any]]) -> str:
    """Buttons as numbered lines under the text: WeChat has no buttons in chat."""
    lines = [
        f"{number}. {button.get('title', '')}"
        for number, button in zip(option_numbers(buttons), buttons, strict=True)
    ]
    return "\n".join([text, *lines, response_text("utter_wechat_choose_by_number")])


def chosen_payload(text: str, buttons: list[dict[str, Any]]) -> str | None:
    """The payload of the button whose number the customer typed, if that is all they typed."""
    match = CHOICE.match(text or "")
    if not match or not buttons:
        return None
    chosen = dict(zip(option_numbers(buttons), buttons, strict=True)).get(int(match.group(1)))
    return (chosen.get("payload") or chosen.get("title")) if chosen else None


def option_numbers(buttons: list[dict[str, Any]]) -> list[int]:
    """The number the customer types for each option: its position (1, 2, …), except
    when every option is itself a number ("5分" … "1分"): then that number, so "5"
    after "打 1 到 5 分" means five points, not the fifth option."""
    values = [VALUED_OPTION.match(str(button.get("title") or "")) for button in buttons]
    numbers = [int(value.group(1)) for value in values if value]
    if len(numbers) == len(buttons) and len(set(numbers)) == len(numbers):
        return numbers
    return list(range(1, len(buttons) + 1))


def split_for_wechat(text: str, limit: int = MAX_TEXT_BYTES) -> list[str]:
    """Cut a long text into messages WeChat accepts, at line ends where possible."""
    parts: list[str] = []
    current = ""
    for piece in _pieces(text, limit):
        if current and len((current + piece).encode("utf-8")) > limit:
            parts.append(current)
            current = ""
        current += piece
    parts.append(current)
    return [part.strip() for part in parts if part.strip()]


def _pieces(text: str, limit: int):
    """The text's lines; a line too long for one message comes in pieces that fit."""
    for line in text.splitlines(keepends=True):
        piece, size = "", 0
        for char in line:
            width = len(char.encode("utf-8"))
            if size + width > limit:
                yield piece
                piece, size = "", 0
            piece += char
            size += width
        yield piece
