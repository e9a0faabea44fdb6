"""Keeps the messages staff should read: not understood, or answered unsure.

Called by two actions that already run: ``action_handoff_watch`` (on every
customer message, through a slot mapping, before the bot answers) and
``action_handle_misunderstanding`` (the fallback). Which messages count is
decided in bot/dialogue/unanswered.py; masking happens in the repository.
Recording is a side matter: it never stops the bot from answering.
"""

import logging

from rasa_sdk import Tracker

from bot.db import repository
from bot.db.session import claims_session
from bot.dialogue.unanswered import read_guess, staff_should_see

logger = logging.getLogger(__name__)


def _message_key(tracker: Tracker) -> str:
    """The conversation and Rasa's id of its latest message (its time, if it has none)."""
    message_id = tracker.latest_message.get("message_id")
    if not message_id:
        user_events = [e for e in tracker.events if e.get("event") == "user"]
        message_id = user_events[-1].get("timestamp") if user_events else ""
    return f"{tracker.sender_id}:{message_id}"


def record_if_unanswered(tracker: Tracker, not_understood: bool) -> None:
    """Store the latest message for staff if the bot could not answer it or is unsure."""
    try:
        message = tracker.latest_message
        text = message.get("text") or ""  # the NLU's normalised text (Simplified)
        guess = read_guess(message)
        kind = staff_should_see(
            text,
            guess,
            not_understood=not_understood,
            in_form=tracker.active_loop_name is not None,
        )
        if kind is None:
            return
        with claims_session() as session:
            repository.record_unanswered_message(
                session,
                _message_key(tracker),
                text,
                kind,
                guess,
                channel=tracker.get_latest_input_channel(),
            )
    except Exception:  # a lost line in the staff's list, never a lost answer
        logger.exception("could not keep an unanswered message for staff")
