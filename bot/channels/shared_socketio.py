"""Rasa's socket.io channel, with its rooms shared over Redis when REDIS_URL is set.

A widget keeps its socket.io connection on one Rasa server (nginx: ip_hash),
but a message for it may be produced on another one: an agent's reply written
through the cluster's API address, a hand-back, a resume after the customer
stopped waiting. With python-socketio's Redis manager every server publishes
such emits to Redis and the server that holds the connection delivers them.
Without REDIS_URL (one machine, `make run`) it is Rasa's channel, with our
guard (bot/channels/guard.py) and rewind (bot/channels/rewind.py).
The channel keeps the name "socketio", so stored output channels stay valid.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint
from socketio import AsyncRedisManager

from bot.channels.guard import client_address, guarded
from bot.channels.rewind import Rewinder
from bot.settings import load_settings

logger = logging.getLogger(__name__)
REDIS_CHANNEL = "chexian-socketio"  # the same on every Rasa server of a deployment


class SharedSocketIOInput(SocketIOInput):
    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        rewinder = Rewinder()
        webhook = rewinder.attach(super().blueprint(guarded(rewinder.around(on_new_message))))
        self._own_metadata()
        redis_url = load_settings().redis_url
        if redis_url:
            # Swapped in before the server has any connection, which is all that
            # AsyncServer(client_manager=...) would have done at construction.
            manager = AsyncRedisManager(redis_url, channel=REDIS_CHANNEL)
            manager.set_server(self.sio)
            self.sio.manager = manager
            logger.info("socket.io rooms shared over Redis (%s)", REDIS_CHANNEL)
        return webhook

    def _own_metadata(self) -> None:
        """Rasa's message handler, given only a text and our metadata.

        The widget's own "metadata" is dropped (Rasa would even json.loads a
        string from the customer); the client address is read from the
        socket.io session's first request. A message that is not an object is
        ignored, a text that is not a string is an empty message.
        """
        namespace = self.namespace or "/"
        rasa_handler = self.sio.handlers[namespace][self.user_message_evt]

        async def handle_message(sid: str, data: Any) -> None:
            if not isinstance(data, dict) or not isinstance(data.get("session_id"), str):
                return
            environ = self.sio.get_environ(sid, namespace=namespace) or {}
            request = environ.get("sanic.request")
            message = data.get("message")
            await rasa_handler(
                sid,
                {
                    **data,
                    "message": message if isinstance(message, str) else "",
                    self.metadata_key: {"client": client_address(request) if request else ""},
                },
            )

        self.sio.handlers[namespace][self.user_message_evt] = handle_message
