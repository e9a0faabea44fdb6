"""Database fixtures: every test here runs on SQLite and on PostgreSQL.

The PostgreSQL URL comes from TEST_POSTGRES_URL, which the test command sets
from scripts/postgres.sh. Without it the PostgreSQL tests fail (never skip);
deselect them explicitly with `-m "not postgres"`.
"""

import io
import os
from collections.abc import Iterator

import bcrypt
import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.db import seed
from bot.db.models import Base
from bot.db.schema import upgrade_to_head
from bot.db.session import make_engine, make_session_factory

from .support import AGENT_PASSWORDS, TODAY, TZ

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


def _postgres_url() -> str:
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        pytest.fail(
            "TEST_POSTGRES_URL is not set, so the PostgreSQL half of the database tests "
            "cannot run. Start the throw-away server with "
            "`export TEST_POSTGRES_URL=$(scripts/postgres.sh)` (what `make test` does), "
            "or deselect these tests on purpose with `-m 'not postgres'`.",
            pytrace=False,
        )
    return url


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'claims.db'}"
    return _postgres_url()


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    """A database migrated to head, once per backend and test session."""
    engine = make_engine(database_url)
    if engine.dialect.name == "postgresql":
        # Start from nothing, whatever an interrupted run or another schema left behind.
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade_to_head(database_url)
    yield engine
    engine.dispose()


def _empty_tables(engine: Engine) -> None:
    tables = Base.metadata.sorted_tables
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join(table.name for table in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(tables):
                connection.execute(table.delete())


@pytest.fixture
def session_factory(engine: Engine) -> sessionmaker:
    """Sessions on empty tables."""
    _empty_tables(engine)
    return make_session_factory(engine)


@pytest.fixture
def session(session_factory: sessionmaker) -> Iterator[Session]:
    with session_factory() as session:
        yield session


def _fast_bcrypt(password: str) -> str:
    # The real bcrypt at its lowest cost: seeding runs before many tests.
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode()


@pytest.fixture
def seeded(session: Session, monkeypatch) -> Session:
    """A session on the demo data, loaded on TODAY."""
    monkeypatch.setattr(seed, "hash_password", _fast_bcrypt)
    seed.seed_demo_data(session, TODAY, TZ, environ=AGENT_PASSWORDS, out=io.StringIO())
    return session
