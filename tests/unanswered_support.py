"""Helpers of the unanswered-questions tests of the console (API and browser): questions
stored as the action server stores them, and a console of their own without Rasa."""

from datetime import datetime, timedelta

from bot.db import repository
from bot.dialogue.unanswered import Guess
from tests.conftest import ServerStack, ServerStacks, claims_session

# (text, kind, the bot's guess, minutes before now)
Asked = tuple[str, str, Guess, int]


def console_with_questions(
    server_stacks: ServerStacks, asked: list[Asked], now: datetime
) -> ServerStack:
    """Only the agent console, on a seeded database of its own holding the `asked`
    questions (and no others: the tests count them)."""
    stack = server_stacks(console=True, services=(), fresh=True)
    with claims_session(stack.claims_db_url) as session:
        for n, (text, kind, guess, minutes) in enumerate(asked):
            moment = now - timedelta(minutes=minutes)
            repository.record_unanswered_message(
                session, f"c{n}:m", text, kind, guess, "rest", moment
            )
        session.commit()
    return stack
