"""What every customer channel does with a message before Rasa sees it.

- **Too long**: over ``MAX_MESSAGE_CHARS`` characters (whitespace collapsed;
  over ``MAX_RAW_CHARS`` before collapsing, so padding cannot smuggle megabytes)
  the customer gets the polite refusal at once and the message goes no
  further: the NLU would spend seconds on it while every other customer of
  this server waits (one event loop).
- **Invalid Unicode**: lone surrogates (``\\ud800``) cannot be encoded and made
  every later message of the conversation fail; they and control characters
  are dropped.
- **No intent syntax**: Rasa reads a message starting with ``/`` as an intent
  (``/handoff_closed``), both before the NLU and after it (its
  RegexMessageHandler reads the normalised text, and the normaliser turns a
  full-width ``／`` back into ``/``). So a customer's leading ``/`` or ``／`` becomes the
  division slash ``∕`` (U+2215), which looks the same, is plain text and is
  left alone by the normaliser. Messages the servers make themselves
  (``/photo_uploaded``) do not pass through here.
- **Who is asking**: the client's address for the per-client limits of the
  identity check, in the message metadata under ``client``, set here and never
  taken from the customer.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage

from bot.texts import response_text

MAX_MESSAGE_CHARS = 500
# Raw length beyond which nothing is even looked at: whitespace padding must not
# carry megabytes past the collapsed-length check into the NLU.
MAX_RAW_CHARS = 10 * MAX_MESSAGE_CHARS
# Lone surrogates and C0/C1 controls except tab and newline.
_UNWANTED = re.compile(r"[\ud800-\udfff\x00-\x08\x0b-\x1f\x7f-\x9f]")
_WHITESPACE = re.compile(r"\s+")
INTENT_PREFIX = "/"
# What the NLU's normaliser turns into "/": the ASCII slash and its full-width twin.
SLASHES = ("/", "\uff0f")
PLAIN_SLASH = "\u2215"  # ∕
TOO_LONG = "utter_message_too_long"


def clean_text(text: str) -> str:
    return _UNWANTED.sub("", text)


def too_long(text: str) -> bool:
    # Cheap on any size: no normalisation beyond collapsing whitespace.
    if len(text) <= MAX_MESSAGE_CHARS:
        return False
    if len(text) > MAX_RAW_CHARS:
        return True
    return len(_WHITESPACE.sub(" ", text).strip()) > MAX_MESSAGE_CHARS


def plain_text(text: str) -> str:
    """A leading '/' (or '／') is the customer's character, not Rasa's intent syntax."""
    stripped = text.lstrip()
    if stripped.startswith(SLASHES):
        return PLAIN_SLASH + stripped[1:]
    return text


def guarded(
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
) -> Callable[[UserMessage], Awaitable[Any]]:
    """`on_new_message` for customer text: refuse, clean and defuse first."""

    async def handle(message: UserMessage) -> None:
        text = message.text if isinstance(message.text, str) else ""
        # The cheap length check first: no regular expression runs over megabytes.
        if len(text) > MAX_RAW_CHARS or too_long(text := clean_text(text)):
            await message.output_channel.send_text_message(
                message.sender_id, response_text(TOO_LONG)
            )
            return
        message.text = plain_text(text).strip()
        await on_new_message(message)

    return handle


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def client_address(request: Any) -> str:
    """The customer's address: the peer, or what a proxy on this machine forwarded.

    Only a proxy on loopback (nginx of the cluster, the HTTPS proxy of the README)
    is believed; anyone else's X-Forwarded-For is ignored.
    """
    peer = request.ip or ""
    forwarded = request.headers.get("X-Forwarded-For", "")
    if forwarded and _is_loopback(peer):
        return forwarded.split(",")[-1].strip() or peer
    return peer
