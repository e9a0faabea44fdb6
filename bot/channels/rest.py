"""REST channel that answers malformed requests with 400 instead of 500.

Rasa's own RestInput calls ``request.json.get(...)`` and fails with a 500 when
the body is missing, not JSON, or not an object. This subclass validates the
body first; the webhook stays at ``/webhooks/rest/webhook``.

When a message cannot be handled completely -- the action server is down or
an action failed (Rasa logs the error and carries on without the action's
answer), the tracker or lock store is unreachable -- the customer gets
`utter_try_again` instead of silence or an error, and the conversation's
slots and form are set back to what they were before that message: half a
turn is never kept, so the message sent again is handled from the same state,
whatever step failed. (A report already written in such
a turn is found again by its idempotency key, never filed twice.)
"""

import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Blueprint
from sanic.exceptions import InvalidUsage
from sanic.request import Request

from bot import rasa_patches
from bot.channels.guard import client_address, guarded
from bot.concepts.channels import REST_CHANNEL
from bot.texts import response_text

# Every Rasa server of ours opens this channel (credentials.yml): the place to
# adjust Rasa itself, and only in the Rasa server (not in the action server).
rasa_patches.install()

logger = logging.getLogger(__name__)
# Errors logged while the current message is handled (None outside a message).
_failures: ContextVar[list[str] | None] = ContextVar("rest_message_failures", default=None)
# The agent answering the current request (Rasa hands channels only a callback).
_agent: ContextVar[Agent | None] = ContextVar("rest_agent", default=None)


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
        processor_logger = logging.getLogger("rasa.core.processor")
        if _RECORDER not in processor_logger.handlers:
            processor_logger.addHandler(_RECORDER)

        async def handle_or_apologise(message: UserMessage) -> None:
            failures: list[str] = []
            token = _failures.set(failures)
            try:
                await on_new_message(message)
            except Exception:  # noqa: BLE001 - the customer must get an answer
                # Rasa saves the conversation only at the end of a message: nothing
                # of this one was kept.
                logger.exception("message not handled")
                failures.clear()
                failures.append("not handled")
            else:
                if failures:  # a swallowed action error: Rasa saved half a turn
                    await _forget_message(_agent.get(), message.sender_id)
            finally:
                _failures.reset(token)
            if failures:
                logger.warning("asked the customer to send the message again: %s", failures[0])
                await message.output_channel.send_text_message(
                    message.sender_id, response_text("utter_try_again")
                )

        blueprint = super().blueprint(guarded(handle_or_apologise))

        @blueprint.middleware("request")
        async def remember_agent(request: Request) -> None:
            _agent.set(request.app.ctx.agent)

        return blueprint


async def _forget_message(agent: Agent | None, sender_id: str) -> None:
    """Put the conversation back in the state it had before the latest message."""
    if agent is None:
        return
    try:
        async with agent.lock_store.lock(sender_id):
            tracker = await agent.tracker_store.retrieve(sender_id)
            for event in restoring_events(tracker, agent.domain):
                tracker.update(event, agent.domain)
            await agent.tracker_store.save(tracker)
    except Exception:  # noqa: BLE001 - the tracker store itself may be what failed
        logger.exception("could not rewind the conversation after a failed message")


def restoring_events(tracker: DialogueStateTracker, domain: Domain) -> list[Event]:
    """Events that undo what the turn since the latest user message changed.

    Rasa's UserUtteranceReverted would be the obvious tool, but inside a form
    Rasa's replay folds the form's user messages away and the revert then goes
    back to before the form. So the slots and the active form are set back to
    their values before the message, explicitly, and the bot listens again.
    """
    events = list(tracker.events)
    last_message = max(
        (i for i, e in enumerate(events) if isinstance(e, UserUttered)), default=None
    )
    if last_message is None:
        return []
    before = DialogueStateTracker.from_events(
        tracker.sender_id, events[:last_message], domain.slots
    )
    restore: list[Event] = []
    if before.active_loop_name != tracker.active_loop_name:
        restore.append(ActiveLoop(before.active_loop_name))
    restore += [
        SlotSet(name, before.get_slot(name))
        for name in tracker.slots
        if before.get_slot(name) != tracker.get_slot(name)
    ]
    return [*restore, ActionExecuted(ACTION_LISTEN_NAME)]
