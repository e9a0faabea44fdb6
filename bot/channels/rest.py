"""REST channel that answers malformed requests with 400 instead of 500.

Rasa's own RestInput calls ``request.json.get(...)`` and fails with a 500 when
the body is missing, not JSON, or not an object. This subclass validates the
body first; the webhook stays at ``/webhooks/rest/webhook``.

When a message cannot be handled completely -- the action server is down or
an action failed (Rasa logs the error and carries on without the action's
answer), the tracker or lock store is unreachable -- the customer gets
`utter_try_again` instead of silence or an error. The conversation keeps
everything stored before the failure, so sending the message again goes on
from there.
"""

import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint
from sanic.exceptions import InvalidUsage
from sanic.request import Request

from bot.texts import response_text

logger = logging.getLogger(__name__)
# Errors logged while the current message is handled (None outside a message).
_failures: ContextVar[list[str] | None] = ContextVar("rest_message_failures", default=None)


class _FailureRecorder(logging.Handler):
    """Notes the errors Rasa's message processor logs and then swallows.

    Rasa (rasa.core.processor) catches an exception of a custom action, logs it
    and continues "but the actions events are lost": the only trace the channel
    can see is that log record, in the same task as the message.
    """

    def __init__(self) -> None:
        super().__init__(logging.ERROR)

    def emit(self, record: logging.LogRecord) -> None:
        failures = _failures.get()
        if failures is not None:
            failures.append(record.getMessage()[:200])


_RECORDER = _FailureRecorder()

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

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        processor_logger = logging.getLogger("rasa.core.processor")
        if _RECORDER not in processor_logger.handlers:
            processor_logger.addHandler(_RECORDER)

        async def handle_or_apologise(message: UserMessage) -> None:
            failures: list[str] = []
            token = _failures.set(failures)
            try:
                await on_new_message(message)
            except Exception as error:  # noqa: BLE001 - the customer must get an answer
                logger.exception("message not handled")
                failures.append(repr(error))
            finally:
                _failures.reset(token)
            if failures:
                logger.warning("asked the customer to send the message again: %s", failures[0])
                await message.output_channel.send_text_message(
                    message.sender_id, response_text("utter_try_again"))

        return super().blueprint(handle_or_apologise)
