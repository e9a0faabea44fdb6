"""Accepting a ticket is one conditional UPDATE: of agents accepting at once, exactly one wins.

Runs on SQLite and on PostgreSQL (TEST_POSTGRES_URL, as in tests/db; without it
the PostgreSQL case fails: deselect it on purpose with `-m "not postgres"`).
The PostgreSQL case uses a database of its own, created and dropped here, so it
never touches what other tests keep in claims_test.
"""

import os
import threading
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from bot.db import repository
from bot.db.models import Agent, HandoffTicket
from bot.db.passwords import hash_password
from bot.db.schema import upgrade_to_head
from bot.db.session import make_engine, make_session_factory

ROUNDS = 20
AGENTS = 4


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ]
)
def database_url(request, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'race.db'}"
        return
    server = os.environ.get("TEST_POSTGRES_URL")
    if not server:
        pytest.fail(
            "TEST_POSTGRES_URL is not set (see tests/db/conftest.py); deselect the "
            "PostgreSQL case with -m 'not postgres'",
            pytrace=False,
        )
    name = f"handoff_race_{uuid.uuid4().hex[:8]}"
    admin = make_engine(server).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def sessions(database_url):
    upgrade_to_head(database_url)
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    with factory() as session:
        session.add_all(
            Agent(username=f"race{n}", password_hash=hash_password("x"), display_name=f"客服 {n}")
            for n in range(AGENTS)
        )
        session.commit()
    yield factory
    engine.dispose()


def test_of_agents_accepting_the_same_ticket_at_once_exactly_one_wins(sessions):
    with sessions() as session:
        agent_ids = [a.id for a in session.execute(select(Agent)).scalars()]
    for round_number in range(ROUNDS):
        with sessions() as session:
            ticket = repository.open_handoff_ticket(
                session, sender_id=f"race-{round_number}", reason="customer_request"
            )
            session.commit()
            ticket_id = ticket.id
        start = threading.Barrier(len(agent_ids))
        winners: list[int] = []

        def accept(agent_id: int, ticket_id: int = ticket_id, start=start, winners=winners) -> None:
            with sessions() as session:
                agent = session.get(Agent, agent_id)
                start.wait()
                if repository.accept_ticket(session, ticket_id, agent) is not None:
                    winners.append(agent_id)
                session.commit()

        threads = [threading.Thread(target=accept, args=(a,)) for a in agent_ids]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(winners) == 1, winners
        with sessions() as session:
            stored = session.get(HandoffTicket, ticket_id)
            assert (stored.status, stored.agent_id) == ("accepted", winners[0])


def test_a_customer_cancelling_and_an_agent_accepting_cannot_both_win(sessions):
    with sessions() as session:
        agent = session.execute(select(Agent)).scalars().first()
        ticket = repository.open_handoff_ticket(session, sender_id="late", reason="complaint")
        session.commit()
        assert repository.end_ticket(session, ticket.id, "cancelled", from_statuses=("waiting",))
        session.commit()
        assert repository.accept_ticket(session, ticket.id, agent) is None
