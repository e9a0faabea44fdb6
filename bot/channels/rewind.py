"""A customer's message that could not be handled completely: an apology, and the
conversation set back to before it. Every customer channel (REST, socket.io,
WeChat) hands Rasa's message handler through `Rewinder.around`.

When a message cannot be handled completely -- the action server is down or
an action failed (Rasa logs the error and carries on without the action's
answer), the tracker or lock store is unreachable -- the customer gets
`utter_try_again` instead of silence or an error, and the conversation's
slots and form are set back to what they were before that message: half a
turn is never kept, so the message sent again is handled from the same state,
whatever step failed. (A report already written in such a turn is found again
by its idempotency key, never filed twice.)
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Blueprint

from bot.texts import response_text

logger = logging.getLogger(__name__)
MessageHandler = Callable[[UserMessage], Awaitable[Any]]
# Errors logged while the current message is handled (None outside a message).
_failures: ContextVar[list[str] | None] = ContextVar("message_failures", default=None)


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


class Rewinder:
    """One per channel: wraps its message handler, and learns the Rasa server's app
    (whose agent holds the conversations) when the server starts."""

    def __init__(self) -> None:
        self._app: Any = None

    def attach(self, blueprint: Blueprint) -> Blueprint:
        """The channel's blueprint, which tells this rewinder the app it runs in."""
        processor_logger = logging.getLogger("rasa.core.processor")
        if _RECORDER not in processor_logger.handlers:
            processor_logger.addHandler(_RECORDER)

        async def remember_app(app: Any, _loop: Any) -> None:
            self._app = app

        blueprint.listener("before_server_start")(remember_app)
        return blueprint

    def agent(self) -> Agent | None:
        return getattr(getattr(self._app, "ctx", None), "agent", None)

    def around(self, on_new_message: MessageHandler) -> MessageHandler:
        """`on_new_message` that apologises for, and rewinds, a message not handled."""

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
                    await forget_message(self.agent(), message.sender_id)
            finally:
                _failures.reset(token)
            if failures:
                logger.warning("asked the customer to send the message again: %s", failures[0])
                await message.output_channel.send_text_message(
                    message.sender_id, response_text("utter_try_again")
                )

        return handle_or_apologise


async def forget_message(agent: Agent | None, sender_id: str) -> None:
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
