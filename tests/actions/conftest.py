"""Actions called directly, as rasa_sdk calls them (a Tracker, a CollectingDispatcher),
against a claims database of their own: the demo data in a SQLite file."""

import io
from datetime import date
from zoneinfo import ZoneInfo

import bcrypt
import pytest
from sqlalchemy.orm import sessionmaker

from bot.db import seed, session
from bot.db.schema import upgrade_to_head


def _fast_bcrypt(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode()


@pytest.fixture
def claims_db(tmp_path, monkeypatch) -> sessionmaker:
    """The demo customers and agents; every claims_session() of the actions opens on them."""
    url = f"sqlite:///{tmp_path / 'claims.db'}"
    upgrade_to_head(url)
    factory = session.make_session_factory(session.make_engine(url))
    monkeypatch.setattr(seed, "hash_password", _fast_bcrypt)
    with factory() as db:
        seed.seed_demo_data(db, date.today(), ZoneInfo("Asia/Shanghai"), out=io.StringIO())
    monkeypatch.setattr(session, "_configured_sessions", lambda: factory)
    return factory
