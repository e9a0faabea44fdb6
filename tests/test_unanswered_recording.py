"""The actions keep unsure messages for staff, and a database error costs the customer
nothing (bot/actions/unanswered.py, through action_handoff_watch and the fallback)."""

import asyncio
import logging
from contextlib import contextmanager

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from bot.actions import unanswered as recording
from bot.actions.fallback import ActionHandleMisunderstanding
from bot.actions.handoff import ActionHandoffWatch
from bot.db.models import UnansweredMessage
from bot.db.schema import upgrade_to_head
from bot.db.session import make_engine, make_session_factory
from bot.dialogue.unanswered import LOW_CONFIDENCE, UNANSWERED


def tracker(text: str, intent: str, confidence: float, answer=None, loop=None):
    latest = {
        "text": text,
        "message_id": "m-1",
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": [{"name": intent, "confidence": confidence}],
        "entities": [],
    }
    if answer:
        latest["response_selector"] = {
            "faq": {"response": {"intent_response_key": answer[0], "confidence": answer[1]}}
        }
    events = [{"event": "user", "text": text, "input_channel": "socketio", "parse_data": latest}]
    active_loop = {"name": loop} if loop else {}
    return Tracker("conv-1", {}, latest, events, False, None, active_loop, "action_listen")


@pytest.fixture
def database(tmp_path, monkeypatch):
    """A claims database of its own, used by the actions' `claims_session`."""
    url = f"sqlite:///{tmp_path / 'claims.db'}"
    upgrade_to_head(url)
    factory = make_session_factory(make_engine(url))

    @contextmanager
    def session():
        with factory() as s:
            yield s
            s.commit()

    monkeypatch.setattr(recording, "claims_session", session)
    return factory


def rows(factory) -> list[UnansweredMessage]:
    with factory() as session:
        return list(session.execute(select(UnansweredMessage)).scalars())


def run(action, tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages, events


def test_the_watch_keeps_an_unsure_faq_answer(database):
    run(
        ActionHandoffWatch(),
        tracker("车险积分换礼品", "faq", 0.98, ("faq/exclusions_overview", 0.2)),
    )
    [row] = rows(database)
    assert (row.text, row.kind, row.answer_key, row.channel) == (
        "车险积分换礼品",
        LOW_CONFIDENCE,
        "faq/exclusions_overview",
        "socketio",
    )


def test_the_watch_keeps_nothing_of_a_sure_answer(database):
    run(ActionHandoffWatch(), tracker("交强险赔多少", "faq", 1.0, ("faq/jiaoqiang_limits", 0.88)))
    assert rows(database) == []


def test_the_watch_keeps_nothing_of_an_answer_to_a_forms_question(database):
    run(ActionHandoffWatch(), tracker("在小区门口", "inform", 0.5, loop="report_form"))
    assert rows(database) == []


def test_the_fallback_makes_the_same_message_one_unanswered_row(database):
    unsure = tracker("保单能抵押吗", "faq", 0.6, ("faq/aftersales_changes", 0.1))
    run(ActionHandoffWatch(), unsure)
    run(ActionHandleMisunderstanding(), unsure)
    [row] = rows(database)
    assert row.kind == UNANSWERED


def test_a_database_error_is_logged_and_the_customer_still_gets_the_answer(monkeypatch, caplog):
    @contextmanager
    def broken():
        raise OperationalError("INSERT", {}, Exception("database is down"))
        yield  # pragma: no cover

    monkeypatch.setattr(recording, "claims_session", broken)
    unclear = tracker("阿斯顿发顺丰", "nlu_fallback", 0.45)
    with caplog.at_level(logging.ERROR, logger="bot.actions.unanswered"):
        _, events = run(ActionHandleMisunderstanding(), unclear)
    assert {"event": "followup", "name": "utter_unclear"} in [
        {"event": e["event"], "name": e.get("name")} for e in events
    ]
    assert "could not keep an unanswered message" in caplog.text
