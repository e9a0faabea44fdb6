"""One claims-database session per action run, from the configured URL."""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from sqlalchemy.orm import Session, sessionmaker

from bot.db.session import make_engine, make_session_factory
from bot.settings import load_settings


@cache
def _sessions() -> sessionmaker:
    return make_session_factory(make_engine(load_settings().claims_db_url))


@contextmanager
def claims_session() -> Iterator[Session]:
    """Commit when the block succeeds, roll back when it raises: no partial rows."""
    session = _sessions()()
    try:
        yield session
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()
