"""REST channel that answers malformed requests with 400 instead of 500.

Rasa's own RestInput calls ``request.json.get(...)`` and fails with a 500 when
the body is missing, not JSON, or not an object. This subclass validates the
body first; the webhook stays at ``/webhooks/rest/webhook``.

A message that cannot be handled completely gets an apology and is rewound
(bot/channels/rewind.py), as on every customer channel.
"""

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint
from sanic.exceptions import InvalidUsage
from sanic.request import Request

from bot.channels.guard import client_address, guarded
from bot.channels.rewind import Rewinder
from bot.concepts.channels import REST_CHANNEL

BAD_BODY = '请求格式不正确：请发送 JSON，例如 {"sender": "用户ID", "message": "您好"}。'


def _json_object(request: Request) -> dict[str, Any]:
    try:
        body = request.json
    except Exception as error:  # sanic raises on unparsable JSON
        raise InvalidUsage(BAD_BODY) from error
    if not isinstance(body, dict):
        raise InvalidUsage(BAD_BODY)
    return body


class SafeRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return REST_CHANNEL

    async def _extract_sender(self, req: Request) -> str:
        sender = _json_object(req).get("sender")
        if not isinstance(sender, (str, int)) or not str(sender).strip():
            raise InvalidUsage(BAD_BODY)
        return str(sender)[:128]

    def _extract_message(self, req: Request) -> str:
        # A null, number or list is treated as an empty message: the bot then
        # politely asks for a question instead of failing.
        message = _json_object(req).get("message")
        return message if isinstance(message, str) else ""

    def get_metadata(self, request: Request) -> dict[str, Any]:
        # The caller's own "metadata" is never read: the client address is ours.
        return {"client": client_address(request)}

    def _extract_input_channel(self, req: Request) -> str:
        # Never the caller's word: a REST caller claiming "wechat" would pass for
        # the WeChat user whose openid it sends (bound identities are per channel).
        return self.name()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        rewinder = Rewinder()
        return rewinder.attach(super().blueprint(guarded(rewinder.around(on_new_message))))
