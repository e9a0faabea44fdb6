"""Remembering WeChat messages in the claims database, so retries are processed once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

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


def test_a_message_key_is_taken_once(session):
    assert repository.first_delivery_of_wechat_message(session, "msg:1") is True
    session.commit()
    assert repository.first_delivery_of_wechat_message(session, "msg:1") is False
    assert repository.first_delivery_of_wechat_message(session, "msg:2") is True
    session.commit()
    assert session.execute(select(func.count(WechatInboundMessage.id))).scalar_one() == 2


def test_keys_older_than_a_day_are_forgotten(session):
    long_ago = utcnow() - timedelta(days=2)
    assert repository.first_delivery_of_wechat_message(session, "msg:old", now=long_ago)
    session.commit()
    assert repository.first_delivery_of_wechat_message(session, "msg:new")
    session.commit()
    keys = session.execute(select(WechatInboundMessage.message_key)).scalars().all()
    assert keys == ["msg:new"]
