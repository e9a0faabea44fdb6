"""REST channel that answers malformed requests with 400 instead of 500.

Rasa's own RestInput calls ``request.json.get(...)`` and fails with a 500 when
the body is missing, not JSON, or not an object. This subclass validates the
body first; the webhook stays at ``/webhooks/rest/webhook``.
"""

from typing import Any

from rasa.core.channels.rest import RestInput
from sanic.exceptions import InvalidUsage
from sanic.request import Request

BAD_BODY = "请求格式不正确：请发送 JSON，例如 {\"sender\": \"用户ID\", \"message\": \"您好\"}。"


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
        return "rest"

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

    def _extract_input_channel(self, req: Request) -> str:
        # Never the caller's word: a REST caller claiming "wechat" would pass for
        # the WeChat user whose openid it sends (bound identities are per channel).
        return self.name()
