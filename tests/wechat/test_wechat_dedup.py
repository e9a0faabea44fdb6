"""Remembering WeChat messages in the claims database, so retries and replays are
processed once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.channels.wechat_messages import MESSAGE_MEMORY, SIGNATURE_WINDOW
from bot.db import repository
from bot.db.models import WechatInboundMessage, utcnow
from bot.db.schema import upgrade_to_head
from bot.db.session import make_engine, make_session_factory


@pytest.fixture
def session(tmp_path):
    url = f"sqlite:///{tmp_path / 'claims.db'}"
    upgrade_to_head(url)
    engine = make_engine(url)
    session = make_session_factory(engine)()
    yield session
    session.close()
    engine.dispose()


def first(session, key: str, **when) -> bool:
    return repository.first_delivery_of_wechat_message(session, key, MESSAGE_MEMORY, **when)


def test_a_message_key_is_taken_once(session):
    assert first(session, "msg:1") is True
    session.commit()
    assert first(session, "msg:1") is False
    assert first(session, "msg:2") is True
    session.commit()
    assert session.execute(select(func.count(WechatInboundMessage.id))).scalar_one() == 2


def test_a_key_is_kept_for_as_long_as_a_replay_of_its_request_can_be_accepted():
    # Signed at T, a request passes from T - window to T + window.
    assert MESSAGE_MEMORY > 2 * SIGNATURE_WINDOW


def test_a_replay_inside_the_window_is_still_recognised(session):
    signed = utcnow() - 2 * SIGNATURE_WINDOW + timedelta(seconds=5)
    assert first(session, "msg:captured", now=signed)
    session.commit()
    assert first(session, "msg:captured") is False


def test_keys_older_than_the_memory_are_forgotten(session):
    long_ago = utcnow() - MESSAGE_MEMORY - timedelta(minutes=1)
    assert first(session, "msg:old", now=long_ago)
    session.commit()
    assert first(session, "msg:new")
    session.commit()
    keys = session.execute(select(WechatInboundMessage.message_key)).scalars().all()
    assert keys == ["msg:new"]
