"""A message that could not be handled completely (bot/channels/rewind.py): the customer
is asked to send it again and the conversation is as before it, on every customer channel."""

import asyncio
import logging
from types import SimpleNamespace

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered

from bot.channels.rest import SafeRestInput
from bot.channels.rewind import Rewinder
from bot.channels.shared_socketio import SharedSocketIOInput
from bot.channels.wechat import WeChatInput
from bot.texts import response_text

DOMAIN = Domain.from_dict(
    {"slots": {"identity_key": {"type": "text", "mappings": [{"type": "custom"}]}}}
)


def conversation_store() -> SimpleNamespace:
    """What the rewind needs of Rasa's agent: its stores and domain."""
    return SimpleNamespace(
        domain=DOMAIN,
        tracker_store=InMemoryTrackerStore(DOMAIN),
        lock_store=InMemoryLockStore(),
    )


def rewinder_of(agent: SimpleNamespace) -> Rewinder:
    rewinder = Rewinder()
    rewinder._app = SimpleNamespace(ctx=SimpleNamespace(agent=agent))
    return rewinder


async def half_a_turn(agent: SimpleNamespace, message: UserMessage) -> None:
    """Rasa's processor: the message and a slot saved, an action's error logged and swallowed."""
    tracker = await agent.tracker_store.get_or_create_tracker(message.sender_id)
    tracker.update(UserUttered(message.text))
    tracker.update(SlotSet("identity_key", message.text))
    await agent.tracker_store.save(tracker)
    logging.getLogger("rasa.core.processor").error("action server unreachable")


def sent(output: CollectingOutputChannel) -> list[str]:
    return [message["text"] for message in output.messages]


def test_a_swallowed_action_error_asks_again_and_sets_the_slots_back():
    agent = conversation_store()
    rewinder = rewinder_of(agent)
    rewinder.attach(SafeRestInput().blueprint(lambda message: None))  # watches Rasa's errors
    output = CollectingOutputChannel()

    async def handle(message: UserMessage) -> None:
        await half_a_turn(agent, message)

    asyncio.run(rewinder.around(handle)(UserMessage("沪A12345", output, "c1")))
    assert sent(output) == [response_text("utter_try_again")]
    tracker = asyncio.run(agent.tracker_store.retrieve("c1"))
    assert tracker.get_slot("identity_key") is None
    assert isinstance(tracker.events[-1], ActionExecuted)  # the bot listens again


def test_a_message_that_fails_outright_is_answered_with_the_apology():
    output = CollectingOutputChannel()

    async def broken(message: UserMessage) -> None:
        raise ConnectionError("tracker store down")

    asyncio.run(rewinder_of(conversation_store()).around(broken)(UserMessage("你好", output, "c2")))
    assert sent(output) == [response_text("utter_try_again")]


def test_a_message_handled_completely_gets_no_apology():
    output = CollectingOutputChannel()

    async def fine(message: UserMessage) -> None:
        await message.output_channel.send_text_message(message.sender_id, "您好")

    asyncio.run(rewinder_of(conversation_store()).around(fine)(UserMessage("你好", output, "c3")))
    assert sent(output) == ["您好"]


CUSTOMER_CHANNELS = [
    SafeRestInput(),
    SharedSocketIOInput(),
    WeChatInput("app-id", "app-secret", "token"),
]


@pytest.mark.parametrize("channel", CUSTOMER_CHANNELS, ids=lambda channel: channel.name())
def test_every_customer_channel_rewinds_with_the_servers_conversations(channel):
    async def handler(message: UserMessage) -> None:
        return None

    blueprint = channel.blueprint(handler)
    on_start = [
        future.listener.__qualname__
        for future in blueprint._future_listeners
        if future.event == "before_server_start"
    ]
    assert "Rewinder.attach.<locals>.remember_app" in on_start
