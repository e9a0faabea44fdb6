"""A small client of Rasa's HTTP API (`rasa run --enable-api`), no Rasa import.

The agent console reads the transcript (the tracker's events) and writes the
agent's replies, the hand-back and the close through it; the action server
uses it to resume a conversation whose customer stopped waiting.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from urllib.parse import quote

import aiohttp

logger = logging.getLogger(__name__)
TIMEOUT = aiohttp.ClientTimeout(total=30)


class RasaApiError(Exception):
    """Rasa answered with an error or could not be reached."""


class RasaApi:
    def __init__(self, base_url: str, token: str | None = None):
        self.base_url = base_url.rstrip("/")
        self.token = token

    def _url(self, sender_id: str, path: str) -> str:
        return f"{self.base_url}/conversations/{quote(sender_id, safe='')}/{path}"

    async def _call(self, method: str, url: str, params: dict[str, str], body: Any = None) -> Any:
        if self.token:
            params = {**params, "token": self.token}
        try:
            async with (
                aiohttp.ClientSession(timeout=TIMEOUT) as http,
                http.request(method, url, params=params, json=body) as response,
            ):
                if response.status >= 400:
                    raise RasaApiError(f"{method} {url}: HTTP {response.status}")
                return await response.json()
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            raise RasaApiError(f"{method} {url}: {error}") from error

    async def tracker(self, sender_id: str) -> dict[str, Any]:
        return await self._call("GET", self._url(sender_id, "tracker"), {})

    async def append_events(
        self, sender_id: str, events: list[dict[str, Any]], output_channel: str | None = None
    ) -> dict[str, Any]:
        """Append events; with an output channel, bot events are also sent to the customer."""
        params = (
            {"execute_side_effects": "true", "output_channel": output_channel}
            if output_channel
            else {}
        )
        return await self._call("POST", self._url(sender_id, "tracker/events"), params, events)

    async def say(
        self, sender_id: str, text: str, output_channel: str | None, metadata: dict[str, Any]
    ) -> None:
        """Put a message in the conversation, delivered on the customer's channel.

        Works while the conversation is paused: nothing is predicted, the event is
        only logged and its side effect (sending) executed.
        """
        event = {"event": "bot", "text": text, "metadata": metadata}
        await self.append_events(sender_id, [event], output_channel)

    async def resume(
        self, sender_id: str, farewell: str | None = None, output_channel: str | None = None
    ) -> None:
        """Resume a paused conversation, as if the bot had just started listening;
        `farewell`, if given, is said first on `output_channel`.

        While paused no action ran after the customer's messages; rules that start
        with an intent expect `action_listen` before it, so it is appended too.
        """
        events = [{"event": "bot", "text": farewell}] if farewell else []
        events += [{"event": "resume"}, {"event": "action", "name": "action_listen"}]
        await self.append_events(sender_id, events, output_channel if farewell else None)

    async def trigger_intent(
        self, sender_id: str, intent: str, output_channel: str | None
    ) -> dict[str, Any]:
        params = {"output_channel": output_channel} if output_channel else {}
        return await self._call(
            "POST", self._url(sender_id, "trigger_intent"), params, {"name": intent}
        )
