"""The hand-off actions (bot/actions/handoff.py) called as rasa_sdk calls them."""

import asyncio
from datetime import datetime, timedelta, timezone

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.handoff import (
    ActionStartHandoff,
    ActionStopHandoffForm,
    ValidateCallbackForm,
)
from bot.db import repository


def conversation(
    text: str = "转人工",
    intent: str = "request_human",
    slots: dict | None = None,
    active_loop: str | None = None,
) -> Tracker:
    return Tracker.from_dict(
        {
            "sender_id": "conversation-1",
            "slots": slots or {},
            "latest_message": {"text": text, "intent": {"name": intent}, "entities": []},
            "events": [{"event": "user", "text": text, "input_channel": "rest", "parse_data": {}}],
            "paused": False,
            "latest_input_channel": "rest",
            "active_loop": {"name": active_loop} if active_loop else {},
            "latest_action_name": "action_listen",
        }
    )


def run(action, tracker: Tracker) -> tuple[list[dict], list[dict]]:
    """The events the action returns and the responses it chose."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return events, [message["response"] for message in dispatcher.messages]


def in_callback_form(text: str, intent: str = "inform") -> Tracker:
    return conversation(text, intent, {"requested_slot": "callback_phone"}, "callback_form")


def test_a_call_back_number_is_read_with_its_spaces_and_dashes():
    dispatcher = CollectingDispatcher()
    events = asyncio.run(
        ValidateCallbackForm().get_extraction_events(
            dispatcher, in_callback_form("打 138-1234-5678 就行"), {}
        )
    )
    assert events == [
        {"event": "slot", "timestamp": None, "name": "callback_phone", "value": "13812345678"}
    ]
    assert dispatcher.messages == []


def test_a_call_back_number_that_is_no_mobile_is_asked_again():
    dispatcher = CollectingDispatcher()
    events = asyncio.run(
        ValidateCallbackForm().get_extraction_events(dispatcher, in_callback_form("12345"), {})
    )
    assert events[0]["value"] is None
    assert [m["response"] for m in dispatcher.messages] == ["utter_callback_phone_invalid"]


def test_no_thanks_in_the_call_back_form_stops_it_and_forgets_its_answers():
    events, said = run(ActionStopHandoffForm(), in_callback_form("不用了", "deny"))
    assert said == ["utter_callback_not_needed"]
    assert {"event": "active_loop", "timestamp": None, "name": None} in events
    forgotten = {e["name"] for e in events if e["event"] == "slot" and e["value"] is None}
    assert {"callback_phone", "callback_time", "handoff_reason"} <= forgotten


def test_with_no_agent_online_the_customer_is_offered_a_call_back(claims_db, monkeypatch):
    monkeypatch.setenv("HANDOFF_OFFICE_HOURS", "00:00-24:00")
    events, said = run(ActionStartHandoff(), conversation())
    assert said == ["utter_handoff_offer_callback_busy"]
    assert events[-1] == {"event": "followup", "timestamp": None, "name": "callback_form"}
    with claims_db() as db:
        assert repository.live_ticket_for_sender(db, "conversation-1") is None


def test_outside_office_hours_the_call_back_offer_says_the_hours(claims_db, monkeypatch):
    opens = datetime.now(timezone.utc) + timedelta(hours=12)  # a minute half a day away
    hours = f"{opens:%H:%M}-{opens + timedelta(minutes=1):%H:%M}"
    monkeypatch.setenv("HANDOFF_OFFICE_HOURS", hours)
    monkeypatch.setenv("BOT_TIMEZONE", "UTC")
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionStartHandoff().run(dispatcher, conversation(), {}))
    assert dispatcher.messages[0]["response"] == "utter_handoff_offer_callback_closed"
    assert dispatcher.messages[0]["hours"] == hours


@pytest.mark.parametrize("waiting_before", [0, 2])
def test_with_an_agent_online_the_customer_is_queued_and_the_bot_pauses(
    claims_db, monkeypatch, waiting_before
):
    monkeypatch.setenv("HANDOFF_OFFICE_HOURS", "00:00-24:00")
    with claims_db() as db:
        repository.agent_heartbeat(db, repository.agent_by_username(db, "agent01"))
        for n in range(waiting_before):
            repository.open_handoff_ticket(db, sender_id=f"earlier-{n}", reason="complaint")
        db.commit()
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionStartHandoff().run(dispatcher, conversation(), {}))
    assert [m["response"] for m in dispatcher.messages] == [
        "utter_how_to_reach_human",
        "utter_handoff_queued",
    ]
    assert dispatcher.messages[1]["position"] == waiting_before + 1
    assert events[-1]["event"] == "pause"
    with claims_db() as db:
        ticket = repository.live_ticket_for_sender(db, "conversation-1")
    assert {
        "event": "slot",
        "timestamp": None,
        "name": "handoff_ticket_id",
        "value": ticket.id,
    } in events
