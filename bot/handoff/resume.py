"""Giving a paused conversation back to the bot through Rasa's HTTP API, with retries.

No Rasa import. The action server schedules it when a waiting customer stops
waiting: Rasa holds the conversation's lock while the action runs, so the call
is made afterwards, from a background task (it waits for the lock).
"""

from __future__ import annotations

import asyncio
import logging

from bot.handoff.rasa_api import RasaApi, RasaApiError
from bot.settings import load_settings

logger = logging.getLogger(__name__)
ATTEMPTS = 5
PAUSE_SECONDS = 1.0
_background: set[asyncio.Task] = set()  # keeps scheduled resumes alive until done


def schedule_resume(
    sender_id: str, farewell: str | None = None, channel: str | None = None
) -> None:
    """Resume the paused conversation once this turn is saved, saying `farewell` first.

    The text goes through Rasa's API too: Rasa drops the messages of a slot
    mapping's action, which is how the hand-off watch runs.
    """
    settings = load_settings()
    api = RasaApi(settings.rasa_url, settings.rasa_api_token)
    task = asyncio.get_running_loop().create_task(resume(api, sender_id, farewell, channel))
    _background.add(task)
    task.add_done_callback(_background.discard)


async def resume(
    api: RasaApi,
    sender_id: str,
    farewell: str | None,
    channel: str | None,
    attempts: int = ATTEMPTS,
    pause: float = PAUSE_SECONDS,
) -> bool:
    """Ask Rasa to resume the conversation until it answers, at most `attempts` times."""
    for _ in range(attempts):
        try:
            await api.resume(sender_id, farewell, channel)
            return True
        except RasaApiError:
            await asyncio.sleep(pause)
    logger.error("could not resume conversation %s after the customer stopped waiting", sender_id)
    return False
