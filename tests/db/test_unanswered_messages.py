"""Unanswered questions kept for staff: masked, one row per message, newest first
(SQLite and PostgreSQL)."""

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.db import repository
from bot.db.models import UnansweredMessage
from bot.dialogue.unanswered import LOW_CONFIDENCE, UNANSWERED, Guess

from .support import NOW

UNSURE_FAQ = Guess("faq", 0.98, "faq/chesun_theft", 0.09)


def record(session, key, text="车卖了以后保单还能用吗", kind=LOW_CONFIDENCE, **changes):
    values = {"guess": UNSURE_FAQ, "channel": "rest", "now": NOW, **changes}
    return repository.record_unanswered_message(session, key, text, kind, **values)


def test_a_message_is_stored_with_the_bots_guess_channel_and_time(session, session_factory):
    record(session, "conv-1:m1")
    session.commit()
    with session_factory() as fresh:
        [row] = fresh.execute(select(UnansweredMessage)).scalars()
        assert (row.text, row.kind, row.channel, row.created_at) == (
            "车卖了以后保单还能用吗",
            LOW_CONFIDENCE,
            "rest",
            NOW,
        )
        assert (row.intent, row.answer_key) == ("faq", "faq/chesun_theft")
        assert row.intent_confidence == pytest.approx(0.98)
        assert row.answer_confidence == pytest.approx(0.09)


def test_personal_data_is_masked_before_it_is_stored(session):
    row = record(
        session, "conv-1:m2", text="我叫张伟，沪A12345的车，手机13812345678，车卖了保单怎么处理"
    )
    session.commit()
    stored = session.execute(
        select(UnansweredMessage.text).where(UnansweredMessage.id == row.id)
    ).scalar_one()
    assert stored == "我叫**，沪******的车，手机138********，车卖了保单怎么处理"


def test_the_conversation_is_not_stored_only_a_hash_of_the_message(session):
    row = record(session, "wechat-openid-abc:m3")
    assert row.message_key == hashlib.sha256(b"wechat-openid-abc:m3").hexdigest()
    assert "openid" not in row.message_key


def test_the_same_message_reported_twice_is_one_row_that_becomes_unanswered(session):
    record(session, "conv-2:m1", kind=LOW_CONFIDENCE)
    record(session, "conv-2:m1", kind=UNANSWERED)
    record(session, "conv-2:m1", kind=LOW_CONFIDENCE)  # never back to low confidence
    session.commit()
    [row] = session.execute(select(UnansweredMessage)).scalars()
    assert row.kind == UNANSWERED


def test_the_same_words_in_two_messages_are_two_rows(session):
    record(session, "conv-3:m1")
    record(session, "conv-4:m1")
    session.commit()
    assert len(session.execute(select(UnansweredMessage)).all()) == 2


def test_a_very_long_message_is_cut_after_masking(session):
    row = record(session, "conv-5:m1", text="13812345678" + "问" * 600)
    assert row.text.startswith("138********")
    assert len(row.text) == repository.MAX_UNANSWERED_TEXT


def test_the_list_is_newest_first_and_reaches_back_to_the_given_moment(session):
    record(session, "a", text="最早的问题", now=NOW - timedelta(days=40))
    record(session, "b", text="较早的问题", now=NOW - timedelta(days=2))
    record(session, "c", text="最新的问题", now=NOW)
    record(session, "d", text="同一时刻的后一个问题", now=NOW)
    session.commit()
    listed = repository.unanswered_messages_since(session, NOW - timedelta(days=30))
    assert [row.text for row in listed] == ["同一时刻的后一个问题", "最新的问题", "较早的问题"]
    assert [row.text for row in repository.unanswered_messages_since(session, NOW, limit=1)] == [
        "同一时刻的后一个问题"
    ]


def test_the_database_refuses_an_unknown_kind(session):
    session.add(UnansweredMessage(message_key="x" * 64, text="随便问问", kind="maybe"))
    with pytest.raises(IntegrityError):
        session.flush()
