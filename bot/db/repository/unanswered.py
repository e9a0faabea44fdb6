"""Messages the bot could not answer, kept (masked) for staff."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import UnansweredMessage, utcnow
from bot.dialogue.unanswered import UNANSWERED, Guess
from bot.privacy import mask_personal_data

# The customer-text guard refuses longer messages; a longer text here is cut.
MAX_UNANSWERED_TEXT = 500


def record_unanswered_message(
    session: Session,
    message_key: str,
    text: str,
    kind: str,
    guess: Guess,
    channel: str | None = None,
    now: datetime | None = None,
) -> UnansweredMessage:
    """Keep a message the bot could not answer, or answered unsure, with its guess.

    The text is masked here (bot/privacy.py), so nothing unmasked is ever stored.
    `message_key` names the message (conversation and message id) and is stored
    as SHA-256 only: the same message reported again (low confidence while
    reading it, then not understood) is one row, whose kind becomes unanswered.
    """
    key_hash = hashlib.sha256(message_key.encode("utf-8")).hexdigest()
    row = session.execute(
        select(UnansweredMessage).where(UnansweredMessage.message_key == key_hash)
    ).scalar_one_or_none()
    if row is None:
        row = UnansweredMessage(
            message_key=key_hash,
            text=mask_personal_data(text.strip())[:MAX_UNANSWERED_TEXT],
            kind=kind,
            intent=guess.intent,
            intent_confidence=guess.intent_confidence,
            answer_key=guess.answer_key,
            answer_confidence=guess.answer_confidence,
            channel=channel,
            created_at=now or utcnow(),
        )
        session.add(row)
    elif kind == UNANSWERED:
        row.kind = UNANSWERED
    session.flush()
    return row


def unanswered_messages_since(
    session: Session, since: datetime, limit: int = 5000
) -> list[UnansweredMessage]:
    """The stored messages from `since` on, newest first (at most `limit`)."""
    query = (
        select(UnansweredMessage)
        .where(UnansweredMessage.created_at >= since)
        .order_by(UnansweredMessage.created_at.desc(), UnansweredMessage.id.desc())
        .limit(limit)
    )
    return list(session.execute(query).scalars())
