"""Engines and sessions for a database URL: SQLite (default) or PostgreSQL via psycopg2."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache, partial
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.settings import load_settings

# Seconds a SQLite writer waits for another writer before giving up ("database is locked").
SQLITE_BUSY_TIMEOUT = 30
# JSON columns hold Chinese texts; keep them readable in the database.
_JSON_SERIALIZER = partial(json.dumps, ensure_ascii=False)


def _prepare_sqlite_file(url: URL) -> None:
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection, _connection_record) -> None:  # noqa: ANN001 (DB-API)
    cursor = dbapi_connection.cursor()
    # SQLite ignores foreign keys unless asked, per connection; WAL lets readers
    # go on while one writer writes.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for `url` with the settings each backend needs."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        _prepare_sqlite_file(parsed)
        engine = create_engine(
            parsed,
            future=True,
            json_serializer=_JSON_SERIALIZER,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT},
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(parsed, future=True, json_serializer=_JSON_SERIALIZER, pool_pre_ping=True)


def make_session_factory(engine: Engine) -> sessionmaker:
    """Sessions in 2.0 style; objects stay readable after commit (the bot reads them back)."""
    return sessionmaker(engine, class_=Session, future=True, expire_on_commit=False)


@cache
def _configured_sessions() -> sessionmaker:
    return make_session_factory(make_engine(load_settings().claims_db_url))


@contextmanager
def claims_session() -> Iterator[Session]:
    """A session on the configured claims database: commit on success, roll back on error."""
    session = _configured_sessions()()
    try:
        yield session
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()
