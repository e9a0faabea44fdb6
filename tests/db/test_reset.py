"""`python -m bot.db.seed --reset` is all or nothing (bot/db/reset.py): a reset that
fails midway leaves the database as it was, usable, on SQLite and on PostgreSQL."""

import io
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Table, create_engine, event, func, select, text, update
from sqlalchemy.engine import make_url

from bot.db import seed
from bot.db.models import Base, Customer
from bot.db.reset import reset_database
from bot.db.schema import upgrade_to_head
from bot.db.session import make_engine, make_session_factory

from .support import AGENT_PASSWORDS, TODAY, TZ

OLD_NAME = "重置前的张伟"


class Interrupted(Exception):
    """Stands for whatever stops a reset: an error, Ctrl-C, a full disk."""


def seed_demo(session) -> None:
    seed.seed_demo_data(session, TODAY, TZ, environ=AGENT_PASSWORDS, out=io.StringIO())


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'claims.db'}"


@pytest.fixture
def postgresql_url() -> Iterator[str]:
    """A database of its own on the test server: the shared one stays untouched."""
    server = os.environ.get("TEST_POSTGRES_URL")
    if not server:
        pytest.fail(
            "TEST_POSTGRES_URL is not set: `export TEST_POSTGRES_URL=$(scripts/postgres.sh)`"
        )
    name = f"reset_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, future=True, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def old_database(request) -> str:
    """A seeded database whose first customer was renamed: data the reset would replace."""
    url = request.getfixturevalue(f"{request.param}_url")
    upgrade_to_head(url)
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        seed_demo(session)
        session.execute(update(Customer).where(Customer.name == "张伟").values(name=OLD_NAME))
        session.commit()
    engine.dispose()
    return url


def names_and_tables(url: str) -> tuple[list[str], set[str]]:
    """The customers' names and the tables, read through a new engine (as a server would)."""
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            names = list(session.scalars(select(Customer.name).order_by(Customer.id)))
            tables = set(Base.metadata.tables)
            for table in Base.metadata.sorted_tables:
                session.execute(select(func.count()).select_from(table)).scalar_one()
            version = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
            assert version, "alembic_version is empty"
        return names, tables
    finally:
        engine.dispose()


@pytest.fixture
def after_half_the_tables() -> Iterator[None]:
    """Interrupt the reset once half of the new schema's tables exist."""
    half = len(Base.metadata.tables) // 2
    created = []

    def count(table, connection, **kw):  # noqa: ANN001 - SQLAlchemy's event signature
        created.append(table.name)
        if len(created) == half:
            raise Interrupted(f"after {created}")

    event.listen(Table, "after_create", count)
    yield
    event.remove(Table, "after_create", count)
    assert len(created) >= half, "the reset never reached the interruption"


def half_seeded(session) -> None:
    """Interrupt the reset halfway through the demo data, after the migrations."""
    for demo in seed.DEMO_CUSTOMERS[:4]:
        seed._seed_customer(session, demo, TODAY)
    session.commit()
    raise Interrupted("after four of seven customers")


def test_a_reset_interrupted_after_half_the_tables_leaves_the_old_database(
    old_database, after_half_the_tables
):
    with pytest.raises(Interrupted):
        reset_database(old_database, seed_demo)
    names, _ = names_and_tables(old_database)
    assert names[0] == OLD_NAME and len(names) == 7


def test_a_reset_interrupted_halfway_through_the_data_leaves_the_old_database(old_database):
    with pytest.raises(Interrupted):
        reset_database(old_database, half_seeded)
    names, _ = names_and_tables(old_database)
    assert names[0] == OLD_NAME and len(names) == 7


def test_after_an_interrupted_reset_the_next_one_succeeds(old_database):
    with pytest.raises(Interrupted):
        reset_database(old_database, half_seeded)
    reset_database(old_database, seed_demo)
    names, _ = names_and_tables(old_database)
    assert names == [customer.name for customer in seed.DEMO_CUSTOMERS]


def test_an_sqlite_reset_leaves_no_files_behind_and_works_without_an_old_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'new' / 'claims.db'}"
    reset_database(url, seed_demo)
    with pytest.raises(Interrupted):
        reset_database(url, half_seeded)
    assert len(names_and_tables(url)[0]) == 7
    leftovers = [p.name for p in Path(tmp_path / "new").iterdir() if "reset" in p.name]
    assert leftovers == []
