"""Helpers of the unanswered-questions tests of the console (API and browser): questions
stored as the action server stores them, and a console of their own without Rasa."""

from datetime import datetime, timedelta

from bot.db import repository
from bot.dialogue.unanswered import Guess
from bot.launcher import ROOT, Stack, free_port, start_stack
from tests.conftest import claims_session, seeded_claims_db

# (text, kind, the bot's guess, minutes before now)
Asked = tuple[str, str, Guess, int]


def console_with_questions(tmp_path_factory, asked: list[Asked], now: datetime) -> Stack:
    """Only the agent console, on a seeded database holding the `asked` questions."""
    db_url = seeded_claims_db(tmp_path_factory.mktemp("unanswered-db"))
    with claims_session(db_url) as session:
        for n, (text, kind, guess, minutes) in enumerate(asked):
            moment = now - timedelta(minutes=minutes)
            repository.record_unanswered_message(
                session, f"c{n}:m", text, kind, guess, "rest", moment
            )
        session.commit()
    return start_stack(
        ROOT / "models",  # no Rasa server is started: only the console
        free_port(),
        free_port(),
        log_dir=tmp_path_factory.mktemp("unanswered-logs"),
        console_port=free_port(),
        services=(),
        extra_env={"CLAIMS_DB_URL": db_url},
    )
